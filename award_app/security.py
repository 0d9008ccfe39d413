"""Response headers every page carries, and how sessions are kept."""

from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def origin_of(url: str | None) -> str | None:
    """"https://host:port" of an absolute URL; None for a path, "null" or nothing."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def own_origins() -> set[str]:
    """This site as the browser names it: the request's own origin (its Host is checked against TRUSTED_HOSTS
    in production) and PUBLIC_URL's."""
    return {origin_of(request.host_url), origin_of(current_app.config["PUBLIC_URL"])}


def from_own_origin() -> bool:
    """The page that sent this request is ours, as far as the browser says: its Origin header, or else its
    Referer, names this site. A request that names neither (an old browser, a privacy setting) passes."""
    sent = request.headers.get("Origin") or request.referrer
    return not sent or origin_of(sent) in own_origins()


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _not_stored(response: Response) -> Response:
    """No cache keeps a page, a download or an error of this site (a shared proxy, the browser's disk, its back
    button after sign-out): every dynamic answer may be personal (signed-in pages, exports, personal data,
    private thumbnails, a form kept after a refused token). Only the public static files are cacheable."""
    if request.endpoint == "static":
        return response
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)
    return response


def _add_hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _without_nul(values: MultiDict) -> ImmutableMultiDict | None:
    if not any("\x00" in value for value in values.values()):
        return None
    return ImmutableMultiDict([(key.replace("\x00", ""), value.replace("\x00", ""))
                               for key, value in values.items(multi=True)])


def _drop_nul_characters() -> None:
    """NUL characters mean nothing in a form or a query and PostgreSQL refuses to store them: they are
    dropped on the way in, so a pasted or forged NUL never becomes a server error."""
    for name in ("args", "form"):
        cleaned = _without_nul(getattr(request, name))
        if cleaned is not None:
            setattr(request, name, cleaned)


def register_security_headers(app: Flask) -> None:
    app.before_request(_drop_nul_characters)
    app.session_interface = SessionInterface()
    app.after_request(_add_headers)
    app.after_request(_not_stored)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_add_hsts)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions; the health check neither reads nor writes one."""

    bare_paths = frozenset({"/healthz"})

    def open_session(self, app: Flask, request: Request):
        if request.path in self.bare_paths:
            return self.make_null_session(app)
        return super().open_session(app, request)
