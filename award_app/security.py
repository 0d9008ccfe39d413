"""Response headers every page carries, and how sessions are kept."""

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSessionInterface

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _add_hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register_security_headers(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(_add_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_add_hsts)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions; the health check neither reads nor writes one."""

    bare_paths = frozenset({"/healthz"})

    def open_session(self, app: Flask, request: Request):
        if request.path in self.bare_paths:
            return self.make_null_session(app)
        return super().open_session(app, request)
