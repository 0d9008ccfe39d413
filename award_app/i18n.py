"""Locale choice and how dates, times and numbers are shown (Vietnamese first)."""

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import NumberFormatError, NumberPattern, format_decimal, parse_decimal, parse_pattern
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from award_app.clock import utcnow


def select_locale() -> str:
    """The user's saved choice, else the language cookie, else Accept-Language, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def show_date(value: date | datetime | None) -> str:
    """24/11/2026, in Viet Nam's time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return format_date(value, "dd/MM/yyyy")


def show_datetime(value: datetime | None) -> str:
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value is not None else ""


def show_wait(seconds: int) -> str:
    """When a refused client may try again, in the reader's words: "in 45 seconds"; "in 15 minutes (at 14:32)",
    rounded up to the minute, with the clock time in Viet Nam."""
    if seconds < 60:
        return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=True)
    minutes = math.ceil(seconds / 60)
    at = format_datetime(utcnow() + timedelta(minutes=minutes), "HH:mm")
    return _("%(in_minutes)s (at %(time)s)", in_minutes=format_timedelta(
        timedelta(minutes=minutes), threshold=1, granularity="minute", add_direction=True), time=at)


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _pattern(places: int | None, fixed: bool, grouped: bool) -> NumberPattern:
    """#,##0.00 (exactly `places` decimals) or #,##0.## (at most); Babel parses a pattern slowly, so once."""
    decimals = "" if not places else "." + ("0" if fixed else "#") * places
    return parse_pattern(("#,##0" if grouped else "0") + decimals)


def _reader_locale(locale: str | None) -> str:
    """The locale asked for, else the reader's (a request's, or the one an e-mail is forced to)."""
    return locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def format_number(value, places: int | None = 3, *, fixed: bool = False, grouped: bool = True,
                  locale: str | None = None) -> str:
    """The one way numbers are printed (pages, PDFs, e-mails, charts): Babel's format_decimal with the reader's
    marks — 1.220.000 and 1.285,4 in Vietnamese, 1,220,000 and 1,285.4 in English. At most `places` decimals
    (exactly, when `fixed`), rounded half to even; `grouped=False` for years."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, int | Decimal) else Decimal(str(value))
    return format_decimal(number, format=_pattern(places, fixed, grouped),
                          locale=_babel_locale(_reader_locale(locale)))


def show_number(value, places: int = 2) -> str:
    """1.234,57 in Vietnamese, 1,234.57 in English: exactly `places` decimals (the template filter `number`)."""
    return format_number(value, places, fixed=True)


class NumberNotUnderstood(ValueError):
    """What was typed is not a number in the reader's notation; the message says how to write it."""


# Spaces people put between thousands (a space, a no-break space, a narrow or thin one).
SPACES = re.compile(r"[ \u00a0\u202f\u2009]+")
NUMBER_LIKE = re.compile(r"[+\-\u2212]?[0-9.,]+")
PLAIN_WHOLE = re.compile(r"[+-]?[0-9]+")


def number_marks(locale: str | None = None) -> dict[str, str]:
    """The reader's decimal and grouping marks and two examples written with them."""
    code = _reader_locale(locale)
    symbols = _babel_locale(code).number_symbols["latn"]
    return {"decimal": symbols["decimal"], "group": symbols["group"],
            "example": format_number(Decimal("1285.4"), locale=code),
            "whole_example": format_number(1250, locale=code)}


def parse_number(text: str | None, *, whole: bool = False, places: int | None = None,
                 locale: str | None = None) -> Decimal | None:
    """A number as the reader types it (Babel's parse_decimal, strict): in Vietnamese 1.250 is one thousand two
    hundred and fifty and 1.285,4 has a decimal comma; in English 1,250 and 1,285.4. Spaces may group thousands.
    None for an empty text. Anything else — letters, the other language's marks (1285.4 in Vietnamese), a
    grouping that is not by thousands, decimals in a whole number or more than `places` of them — raises
    NumberNotUnderstood with a message that shows how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    code = _reader_locale(locale)
    marks = number_marks(code)
    if PLAIN_WHOLE.fullmatch(text):
        return Decimal(text)
    compact = SPACES.sub(marks["group"], text)
    if whole and marks["decimal"] in compact:  # 800.000 in English is 800 as written, but was meant as 800,000
        raise _not_understood(whole, marks)
    if not NUMBER_LIKE.fullmatch(compact) or not any(ch.isdigit() for ch in compact):
        raise NumberNotUnderstood(_l("Enter a whole number.") if whole else _l(
            "Enter a number, such as %(example)s.", example=marks["example"]))
    try:
        number = parse_decimal(compact.replace("\u2212", "-"), locale=_babel_locale(code), strict=True)
    except (NumberFormatError, InvalidOperation) as error:
        suggestions = getattr(error, "suggestions", None) or []
        if whole or len(suggestions) < 2:  # the second reading swaps the marks: 1285.4 → 1.285,4
            raise _not_understood(whole, marks) from None
        raise NumberNotUnderstood(_l(
            "“%(typed)s” is not how numbers are written here: did you mean %(suggestion)s? “%(decimal)s” comes "
            "before the decimals and “%(group)s” between thousands.", typed=text, suggestion=suggestions[-1],
            decimal=marks["decimal"], group=marks["group"])) from None
    if not number.is_finite():
        raise _not_understood(whole, marks)
    if whole and number != number.to_integral_value():
        raise _not_understood(whole, marks)
    if places is not None and number.as_tuple().exponent < -places:
        raise NumberNotUnderstood(_l("Enter at most %(places)d digits after “%(decimal)s”; thousands are grouped "
                                     "with “%(group)s”, as in %(example)s.", places=places, decimal=marks["decimal"],
                                     group=marks["group"], example=marks["example"]))
    return number


def _not_understood(whole: bool, marks: dict) -> NumberNotUnderstood:
    if whole:
        return NumberNotUnderstood(_l("Enter a whole number, such as %(example)s: “%(group)s” between thousands, "
                                      "no decimals.", example=marks["whole_example"], group=marks["group"]))
    return NumberNotUnderstood(_l("Enter a number, such as %(example)s: “%(decimal)s” before the decimals, "
                                  "“%(group)s” between thousands.", example=marks["example"],
                                  decimal=marks["decimal"], group=marks["group"]))


def weekday_name(day: date) -> str:
    return format_date(day, "EEEE")


def localized(obj, field: str) -> str:
    """obj.name_vi or obj.name_en for the current locale, falling back to Vietnamese."""
    value = getattr(obj, f"{field}_en", "") if str(get_locale()) == "en" else ""
    return value or getattr(obj, f"{field}_vi")


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(show_date, "date")
    app.add_template_filter(show_datetime, "datetime")
    app.add_template_filter(show_number, "number")
    app.add_template_filter(format_number, "amount")
    app.add_template_global(localized, "localized")
    app.add_template_global(weekday_name, "weekday_name")
    app.add_template_global(get_locale, "get_locale")
