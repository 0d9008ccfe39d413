"""S8: headers on every page, and the session cookie's flags; HSTS and Secure cookies in production."""

from award_app import create_app
from tests.helpers import login


def _check(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_page_a_user_opens_carries_the_headers(app, client, make_user):
    user = make_user("secretariat", "admin", "auditor")
    for url in ("/accounts/login", "/accounts/register", "/verify", "/healthz"):
        _check(client.get(url))
    login(client, user)
    for url in ("/", "/rounds/", "/rounds/calendar/", "/accounts/admin/", "/audit/", "/missing-page"):
        _check(client.get(url))


def test_the_session_cookie_is_http_only_and_same_site(app, client, make_user):
    response = login(client, make_user("secretariat"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "Zq3vN8pLr2Tx6WbKc9HdYf4MsJg7Ae5U")
    monkeypatch.setenv("PUBLIC_URL", "https://giaithuong.example.vn")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("AWARD_INSECURE_COOKIES", raising=False)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/healthz", base_url="https://giaithuong.example.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
