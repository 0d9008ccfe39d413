"""Domain errors raised by services, and how the web answers them."""

import time
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import SecurityError

from award_app.extensions import db, limiter
from award_app.i18n import show_wait
from award_app.security import from_own_origin, origin_of, own_origins


class DomainError(Exception):
    """A rule refused the action; the message is shown to the user in their language."""

    default_message = _l("This action is not possible.")

    def __init__(self, message=None):
        # Kept lazy (one message or several) and put into words in the reader's language when shown.
        self.messages = list(message) if isinstance(message, list | tuple) else [message or self.default_message]
        super().__init__()

    @property
    def message(self) -> str:
        return " ".join(str(m) for m in self.messages)

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    default_message = _l("You may not do this.")


class InvalidTransition(DomainError):
    default_message = _l("This step is not possible in the current state.")


class StaleEdit(DomainError):
    default_message = _l(
        "Someone else saved this in the meantime. Your input is kept below; check it and save again."
    )


class RoundFrozen(DomainError):
    default_message = _l("The round is approved and frozen: nothing that decided the result can change.")


class RoundNotEditable(DomainError):
    default_message = _l("The round can only be edited while it is a draft.")


def _safe_back() -> str:
    """The page the user came from, as a path on this site; any other referrer (another site, a forged
    Host) sends them home."""
    home = url_for("dashboard.home")
    if origin_of(request.referrer) not in own_origins():
        return home
    parts = urlsplit(request.referrer)
    path = urlunsplit(("", "", parts.path, parts.query, ""))
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else home


def _handle_domain_error(error: DomainError):
    db.session.rollback()
    flash(str(error.message), "error")
    return redirect(_safe_back())


def _changed_at_the_same_moment(error):
    """R2: the same form sent twice at once (a double click, two tabs). The database kept exactly one
    change: the other request is turned back to the page, which shows what is now saved. Only a row
    changed under a version check or a UNIQUE constraint counts; any other integrity error is a bug."""
    if isinstance(error, IntegrityError) and not _is_unique_violation(error):
        raise error
    db.session.rollback()
    if wants_json():
        return jsonify(ok=False, stale=True, errors={}, message=str(StaleEdit.default_message)), 409
    flash(_("This was changed at the same moment (another tab or a second click). The page shows what is "
            "saved now."), "error")
    same_page = request.url_rule is not None and "GET" in request.url_rule.methods
    return redirect(request.path if same_page else _safe_back(), code=303)


def _is_unique_violation(error: IntegrityError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)  # psycopg
    return sqlstate == "23505" or "UNIQUE constraint failed" in str(error.orig)


def _bad_request(error):
    """A form refused for its security token comes back with everything typed (files and passwords excepted),
    to be sent again with a fresh token: a juror's long comment is never lost (see _kept_input for whom). A
    script saving in the background (it asks for JSON) gets the message as JSON and keeps the text on its page."""
    if isinstance(error, SecurityError):
        return _unknown_host()
    if wants_json():
        return jsonify(ok=False, stale=False, errors={}, message=_(
            "Not saved: the page's security token is no longer valid (or you were signed out). Your text stays "
            "here; press Save to send it again.")), 400
    return render_template("errors/400.html", kept=_kept_input(), action=request.path), 400


# Forms whose input never comes back on the error page: signing in, registering and resetting a password (a
# cross-site POST would become a one-click sign-in into the attacker's account) and changing one.
NEVER_KEPT = frozenset({"accounts.login", "accounts.register", "accounts.reset_request", "accounts.reset",
                        "accounts.change_password", "second_factor.verify", "second_factor.recovery",
                        "second_factor.enrol", "second_factor.confirm"})
SECRET_FIELDS = frozenset({"csrf_token", "password", "confirm", "current", "step_up_code", "step_up_recovery_code"})


def _kept_input() -> list[tuple[str, str]]:
    """The refused form's fields, only for the signed-in user whose session came with the request (a cross-site
    POST carries no Lax cookie) from a page of this site (Origin, else Referer): another site cannot turn a
    forged POST into a ready form with a fresh token. Passwords are never written back."""
    if request.method != "POST" or request.endpoint in NEVER_KEPT:
        return []
    if not current_user.is_authenticated or not from_own_origin():
        return []
    return [(key, value) for key, value in request.form.items(multi=True) if key not in SECRET_FIELDS]


def _unknown_host():
    """A request naming a host that is not PUBLIC_URL's (TRUSTED_HOSTS): no page of the site, whose links
    could not be built, and nothing of the forged name echoed."""
    return Response("Bad request: unknown host.\n", status=400, mimetype="text/plain")


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def limit_wait() -> int:
    """Seconds until the Flask-Limiter limit this request broke lets it through again (its Retry-After)."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current is not None else 60


def _too_many(error):
    """A limit whose view answers itself (the registration form, kept as typed) has made its response; the
    others say when to try again (Flask-Limiter adds Retry-After)."""
    if getattr(error, "response", None) is not None:
        return error.response
    return render_template("errors/429.html", when=show_wait(limit_wait())), 429


def _too_large(error):
    return render_template("errors/413.html"), 413


def _server_error(error):
    db.session.rollback()
    return render_template("errors/500.html"), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(StaleDataError, _changed_at_the_same_moment)
    app.register_error_handler(IntegrityError, _changed_at_the_same_moment)
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(429, _too_many)
    app.register_error_handler(500, _server_error)
