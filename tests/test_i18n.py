from datetime import UTC, datetime

from flask_babel import force_locale

from award_app.extensions import db
from award_app.i18n import show_date, show_datetime
from tests.helpers import login, submit


def test_the_sign_in_page_is_vietnamese_by_default_and_english_on_request(client):
    vietnamese = client.get("/accounts/login").get_data(as_text=True)
    assert '<html lang="vi">' in vietnamese and "Đăng nhập" in vietnamese
    english = client.get("/accounts/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english
    french = client.get("/accounts/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="vi">' in french


def test_the_language_switch_remembers_the_choice(client, make_user):
    response = submit(client, "/accounts/language", {"lang": "en", "next": "/accounts/login"},
                      form_url="/accounts/login")
    assert response.status_code == 302 and response.location == "/accounts/login"
    assert '<html lang="en">' in client.get("/accounts/login").get_data(as_text=True)
    user = make_user("secretariat")
    login(client, user)
    submit(client, "/accounts/language", {"lang": "vi", "next": "/"}, form_url="/")
    client.delete_cookie("lang")
    db.session.expire_all()
    assert user.locale == "vi"
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="vi">' in page  # the saved choice beats the browser


def test_the_language_switch_ignores_a_foreign_next(client):
    response = submit(client, "/accounts/language", {"lang": "en", "next": "https://evil.example/"},
                      form_url="/accounts/login")
    assert response.location == "/"


def test_dates_are_day_month_year_in_viet_nam_time(app):
    moment = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 01:30 on the 25th in Viet Nam
    with app.test_request_context(), force_locale("vi"):
        assert show_date(moment) == "25/11/2026"
        assert show_datetime(moment) == "25/11/2026 01:30"
