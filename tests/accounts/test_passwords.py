"""The password rule (accounts.passwords) holds wherever a password is set, and says what is wrong in the
reader's language."""

import pytest
from sqlalchemy import select

from award_app.accounts import services
from award_app.accounts.models import User
from award_app.accounts.passwords import Weakness, weakness
from award_app.extensions import db
from tests.helpers import PASSWORD, csrf_token, login, submit

NAME, EMAIL = "Đỗ Thị Thanh Hương", "huong.do@truong.edu.vn"
STRONG = "hoa-sen-giua-mua-he"
# password, what is wrong, the message in Vietnamese, in English
WEAK = [
    ("ngan-qua", Weakness.TOO_SHORT, "ít nhất 10 ký tự", "at least 10 characters"),
    ("password123456", Weakness.COMMON, "mật khẩu phổ biến nhất", "most common passwords"),
    ("HuongDo-2026!", Weakness.PERSONAL, "họ tên hoặc địa chỉ e-mail", "your name or your e-mail address"),
    ("thanhhuong.truong", Weakness.PERSONAL, "họ tên hoặc địa chỉ e-mail", "your name or your e-mail address"),
    ("Matkhau@2026", Weakness.LOCAL, "những từ ai cũng thử đầu tiên", "words anyone here tries first"),
    ("Giaithuong@2026", Weakness.LOCAL, "những từ ai cũng thử đầu tiên", "words anyone here tries first"),
]
# Vietnamese words, places and numbers, the award's and the ministry's names, however they are written.
LOCAL = ["Matkhau@2026", "Mật khẩu@2026", "mat.khau.2026!", "MatKhau-123456", "Giaithuong@2026", "Giải Thưởng 2026!",
         "Moitruong@2026", "Vietnam@2026", "Hanoi@123456", "Saigon@2026", "anhyeuem2026", "xanh-sach-dep-2026",
         "Nongnghiep@2026", "Agriculture@2026", "88888888@vn"]


@pytest.mark.parametrize(("password", "expected"), [(p, w) for p, w, *_ in WEAK] + [
    ("qwertyuiop12", Weakness.COMMON), ("aaaaaaaaaaaa", Weakness.REPEATED), ("abcdefghijkl", Weakness.SEQUENCE)])
def test_the_rule_names_what_is_wrong(password, expected):
    assert weakness(password, full_name=NAME, email=EMAIL).weakness is expected


@pytest.mark.parametrize("password", LOCAL)
def test_the_words_anyone_here_tries_first_are_refused(app, password):
    """Accepted before: zxcvbn's lists are English. The ministry's names come from the settings."""
    verdict = weakness(password, full_name=NAME, email=EMAIL, platform_words=_platform_words(app))
    assert not verdict.ok and verdict.score < 3
    assert services.password_problem(password, full_name=NAME, email=EMAIL) is not None


def _platform_words(app) -> list[str]:
    from award_app.accounts.passwords import site_words

    return site_words(app.config["MINISTRY_NAME"], app.config["MINISTRY_NAME_EN"])


def test_the_ministry_named_in_the_settings_is_refused(app):
    password = "Khoahoccongnghe@2026"
    assert services.password_problem(password, full_name=NAME, email=EMAIL) is None
    app.config["MINISTRY_NAME"] = "Bộ Khoa học và Công nghệ"
    problem = services.password_problem(password, full_name=NAME, email=EMAIL)
    assert problem is not None and "tên của Giải thưởng hay của Bộ" in problem


@pytest.mark.parametrize("password", ["bong-sen-no-ven-ho-tay", "toi thich an pho bo ha noi", "ngua-dua-chay-ve-dich",
                                      "correct-horse-battery-staple"])
def test_vietnamese_passphrases_of_unrelated_words_are_accepted(password):
    assert weakness(password, full_name=NAME, email=EMAIL).ok


def test_the_rule_accepts_a_strong_password_and_is_told_the_person():
    assert weakness(STRONG, full_name=NAME, email=EMAIL).ok
    assert weakness("nguyenvanthu2026").ok  # a stranger's name…
    assert weakness("nguyenvanthu2026", full_name="Nguyễn Văn Thử").weakness is Weakness.PERSONAL  # …not one's own


def _registration(password: str) -> dict:
    return {"full_name": NAME, "email": EMAIL, "applicant_kind": "school", "organisation": "Trường THCS",
            "province_id": "ha-noi-34", "phone": "", "password": password, "confirm": password, "consent": "y"}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("password", "vi", "en"), [(p, vi, en) for p, _, vi, en in WEAK])
def test_registration_refuses_a_weak_password_and_says_why(client, password, vi, en, lang):
    response = submit(client, "/accounts/register", _registration(password), headers={"Accept-Language": lang})
    assert response.status_code == 200
    assert (vi if lang == "vi" else en) in response.get_data(as_text=True)
    assert db.session.scalars(select(User)).all() == []


def test_registration_accepts_a_strong_password(client):
    assert submit(client, "/accounts/register", _registration(STRONG)).status_code == 302
    assert services.find_user_by_email(EMAIL).check_password(STRONG)


@pytest.mark.parametrize(("password", "vi", "en"), [(p, vi, en) for p, _, vi, en in WEAK])
def test_a_password_change_refuses_a_weak_password(client, make_user, password, vi, en):
    user = make_user("secretariat", email=EMAIL, full_name=NAME)
    login(client, user)
    form = {"current": PASSWORD, "password": password, "confirm": password}
    page = submit(client, "/accounts/password", form, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert en in page
    page = submit(client, "/accounts/password", form).get_data(as_text=True)
    assert vi in page
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert submit(client, "/accounts/password", {"current": PASSWORD, "password": STRONG,
                                                 "confirm": STRONG}).status_code == 302


@pytest.mark.parametrize(("password", "vi", "en"), [(p, vi, en) for p, _, vi, en in WEAK])
def test_a_reset_refuses_a_weak_password(client, make_user, password, vi, en):
    user = make_user("secretariat", email=EMAIL, full_name=NAME)
    url = f"/accounts/reset/{services.reset_token(user)}"
    for lang, expected in (("vi", vi), ("en", en)):
        response = client.post(url, data={"password": password, "confirm": password,
                                          "csrf_token": csrf_token(client, url)}, headers={"Accept-Language": lang})
        assert response.status_code == 200 and expected in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)
    response = client.post(url, data={"password": STRONG, "confirm": STRONG, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302


def test_the_strength_is_shown_as_a_sentence(client):
    page = submit(client, "/accounts/register", _registration("password123456"),
                  headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "strength 1 of 4, at least 3 is needed" in page


def test_the_services_refuse_a_weak_password_whoever_calls_them(app, make_user):
    with pytest.raises(services.WeakPassword):
        services.create_staff_account(email=EMAIL, password="password123456", full_name=NAME, organisation="",
                                      roles=set())
    user = make_user(email=EMAIL, full_name=NAME)
    with pytest.raises(services.WeakPassword):
        services.change_password(user, "HuongDo-2026!")


def test_create_admin_refuses_a_common_or_personal_password(runner):
    for password in ("password123456", "HuongDo-2026!"):
        result = runner.invoke(args=["accounts", "create-admin", "--email", EMAIL, "--name", NAME,
                                     "--password", password])
        assert result.exit_code != 0
    assert services.find_user_by_email(EMAIL) is None


def test_a_very_long_password_is_measured_without_error():
    assert weakness("a" * 200).weakness is Weakness.REPEATED
    assert weakness("hoa-sen-giua-mua-he-" * 10).ok
