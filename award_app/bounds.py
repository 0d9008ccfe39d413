"""Whole numbers from outside (a part of the URL, the query string, a form field) are read here, and
range-checked before they reach Python's int() or the database: every id column here is an INTEGER,
which PostgreSQL holds up to 2**31 - 1 (SQLite and psycopg refuse anything over 2**63 - 1), and Python
refuses to read more than 4,300 digits. A number out of range gets a clear answer (a 404, a message, a
stale-form refusal), never a server error."""

from typing import overload

from flask import flash, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map, ValidationError

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: every id and version column
# No row has it: a form that sends a version out of range is refused as stale, with the input kept.
UNMATCHABLE_VERSION = -1


def whole_number(text: object, *, low: int = 0, high: int = MAX_INT) -> int | None:
    """`text` as a whole number within low..high, else None ("", "-1", "1.5", "²", "9" * 5000)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if low <= text <= high else None
    digits = str(text or "").strip()
    if not (digits.isascii() and digits.isdigit()):
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def sent_version(text: object) -> int | None:
    """The row version a form carries (a hidden field, an autosave): None when it carries none; when it is
    not a whole number in range, a version no row has, so the save is refused as stale with the input kept."""
    if text is None or str(text).strip() == "":
        return None
    number = whole_number(text)
    return UNMATCHABLE_VERSION if number is None else number


@overload
def query_number(name: str, *, default: int, low: int = 0, high: int = MAX_INT) -> int: ...
@overload
def query_number(name: str, *, default: None = None, low: int = 0, high: int = MAX_INT) -> int | None: ...
def query_number(name: str, *, default: int | None = None, low: int = 0, high: int = MAX_INT) -> int | None:
    """A whole number from the query string: `default` when absent or empty; when it is not a whole number
    within low..high, `default` again and the page says the value was left out (in the user's language)."""
    text = request.args.get(name, "")
    if not text.strip():
        return default
    number = whole_number(text, low=low, high=high)
    if number is None:
        flash(_("“%(value)s” is not a number this page can use for “%(name)s”; it was left out.",
                value=text[:20], name=name[:20]), "error")
        return default
    return number


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number above the largest id (or 30 digits) matches no route, so the answer
    is the usual 404 before any view runs or any query is made."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value.lstrip("-0")) > len(str(self.max or MAX_INT)):
            raise ValidationError()
        return super().to_python(value)
