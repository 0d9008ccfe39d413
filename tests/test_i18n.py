from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from award_app.extensions import db
from award_app.i18n import NumberNotUnderstood, format_number, parse_number, show_date, show_datetime, show_number
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


# -- numbers as each language writes them (issue 19) ------------------------------------------

@pytest.mark.parametrize(("locale", "typed", "whole", "expected"), [
    ("vi", "1.250", True, 1250), ("vi", "1.220.000", True, 1220000), ("vi", "1 220 000", True, 1220000),
    ("vi", "1.285,4", False, Decimal("1285.4")), ("vi", "1285,4", False, Decimal("1285.4")),
    ("vi", "−3", True, -3), ("en", "1,250", True, 1250), ("en", "1,285.4", False, Decimal("1285.4")),
    ("en", "1285.4", False, Decimal("1285.4")), ("en", "1\u00a0220\u00a0000", True, 1220000),
])
def test_numbers_are_read_with_the_readers_marks(app, locale, typed, whole, expected):
    with app.test_request_context(), force_locale(locale):
        assert parse_number(typed, whole=whole, places=None if whole else 2) == expected


@pytest.mark.parametrize(("locale", "typed", "whole", "message"), [
    # the other language's marks, or grouping that is not by thousands, is never guessed
    ("vi", "1285.4", False, "“1285.4” chưa đúng cách viết số: phải chăng là 1.285,4?"),
    ("en", "1285,4", False, "“1285,4” is not how numbers are written here: did you mean 1,285.4?"),
    ("vi", "1,250", True, "Nhập một số nguyên, ví dụ 1.250: dấu “.” ngăn cách hàng nghìn"),
    ("en", "800.000", True, "Enter a whole number, such as 1,250: “,” between thousands, no decimals."),
    ("vi", "1.22.000", True, "Nhập một số nguyên, ví dụ 1.250"),
    ("vi", "0,125", False, "Nhập tối đa 2 chữ số sau dấu “,”"),
    ("en", "1e5", False, "Enter a number, such as 1,285.4."), ("vi", "NaN", True, "Nhập một số nguyên."),
    ("vi", "tám trăm", False, "Nhập một số, ví dụ 1.285,4."),
])
def test_a_number_written_otherwise_is_refused_with_how_to_write_it(app, locale, typed, whole, message):
    with app.test_request_context(), force_locale(locale):
        with pytest.raises(NumberNotUnderstood) as refused:
            parse_number(typed, whole=whole, places=None if whole else 2)
        assert message in str(refused.value)


def test_numbers_are_printed_with_the_readers_marks(app):
    with app.test_request_context(), force_locale("vi"):
        assert format_number(1220000) == "1.220.000" and format_number("1285.4") == "1.285,4"
        assert show_number(Decimal("71.125")) == "71,12" and format_number(2026, grouped=False) == "2026"
    with app.test_request_context(), force_locale("en"):
        assert format_number(1220000) == "1,220,000" and format_number("1285.4") == "1,285.4"
        assert show_number(Decimal("71.135")) == "71.14"
    assert format_number(Decimal("0.5"), 2, fixed=True, locale="vi") == "0,50"


def test_chart_labels_use_the_same_marks_as_the_tables(app):
    from award_app.ranking.charts import criterion_bars, juror_strip

    with app.test_request_context(), force_locale("vi"):
        strip = str(juror_strip([("Giám khảo A", [71, 72])], 100, "Tổng điểm"))
        bars = str(criterion_bars([("Chính sách", 82.25)], "Điểm theo tiêu chí"))
    assert "<title>71,50</title>" in strip and "82,2 %" in bars and "71.50" not in strip
