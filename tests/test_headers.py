"""S8: headers on every page, and the session cookie's flags; HSTS and Secure cookies in production."""

import secrets

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
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PUBLIC_URL", "https://giaithuong.example.vn")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("AWARD_INSECURE_COOKIES", raising=False)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/healthz", base_url="https://giaithuong.example.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _not_stored(response) -> bool:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "public" not in directives and not any(
        d.startswith("max-age") for d in directives)


def test_no_page_of_the_site_is_kept_by_a_cache(app, client, make_user):
    """Signed-in pages, and the anonymous ones too (a form's token, a kept input): only static files are
    cacheable. tests/test_access_matrix.py checks the same on every route for every person."""
    for url in ("/accounts/login", "/accounts/register", "/verify", "/healthz", "/missing-page"):
        assert _not_stored(client.get(url)), url
    login(client, make_user("secretariat", "admin", "auditor"))
    for url in ("/", "/rounds/", "/accounts/admin/", "/audit/", "/notifications/outbox", "/missing-page"):
        assert _not_stored(client.get(url)), url
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_personal_data_and_private_thumbnails_are_not_kept_by_a_cache(app, client):
    import io

    import segno

    from award_app.extensions import db
    from award_app.nominations import services
    from award_app.rounds.models import ProgrammeCode
    from tests.fixtures_dossiers import open_round, school_applicant

    round_ = open_round(ProgrammeCode.YOUTH)
    applicant = school_applicant()
    nomination = services.create_nomination(round_, applicant)
    photos = next(i for i in round_.checklist if i.code == "action_photos")
    image = io.BytesIO()
    segno.make("Ảnh hoạt động").save(image, kind="png", scale=8)
    document = services.add_document(nomination, photos, None, io.BytesIO(image.getvalue()), "anh.png",
                                     actor=applicant)
    db.session.commit()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    for url in ("/my-data.zip", f"/nominations/{nomination.id}/documents/{document.id}/thumbnail",
                f"/nominations/{nomination.id}/documents/{document.id}"):
        with client.get(url) as response:
            assert response.status_code == 200 and _not_stored(response), (url, response.headers)
