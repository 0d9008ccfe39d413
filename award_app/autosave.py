"""The answer to a draft saved in the background as the user types (autosave): JSON that the page's script
shows as it is, in the user's language. The save itself is the normal one: same form, version check, service
and audit event; only the answer differs."""

from flask import Response, jsonify
from flask_babel import format_datetime
from flask_babel import gettext as _

from award_app.clock import utcnow
from award_app.errors import DomainError, StaleEdit


def typed_errors(fields) -> dict[str, list[str]]:
    """Each field's messages, by the field's name in the page, for the fields where something was typed:
    an empty field of a draft is not a mistake yet (submitting says what is missing)."""
    errors = {}
    for field in fields:
        if hasattr(field, "entries"):  # a list of rows
            errors |= typed_errors(field.entries)
        elif hasattr(field, "form") and hasattr(field.form, "_fields"):  # one row of fields
            errors |= typed_errors(field.form)
        elif field.errors and any(str(value).strip() for value in field.raw_data or []):
            errors[field.name] = [str(error) for error in field.errors]
    return errors


def saved(version: int, errors: dict[str, list[str]]) -> Response:
    now = utcnow()
    return jsonify(ok=True, version=version, saved_at=now.isoformat(), errors=errors,
                   message=_("Saved at %(time)s", time=format_datetime(now, "HH:mm")))


def refused(error: DomainError) -> tuple[Response, int]:
    """A stale version (409) never overwrites: the user keeps their text and is told why. Any other rule
    (a locked sheet, a frozen round, a score out of range) refuses the whole save (422)."""
    if isinstance(error, StaleEdit):
        message = _("Not saved: this was changed elsewhere (another tab or device) since you opened the page. "
                    "Your text stays here: copy what you need, then reload the page.")
        return jsonify(ok=False, stale=True, message=message, errors={}), 409
    return jsonify(ok=False, stale=False, message=_("Not saved: %(reason)s", reason=error.message), errors={}), 422
