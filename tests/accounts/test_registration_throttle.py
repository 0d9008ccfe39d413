"""Registration is throttled per client address (REGISTRATION_RATE_LIMITS, 5 a minute and 20 an hour): each
one hashes a password with scrypt, and 16 clients registering without pause made the secretariat's pages 60
times slower. The refused form comes back as typed (never the password), with what to do."""

from sqlalchemy import func, select

from award_app.accounts.models import User
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from tests.helpers import PASSWORD, csrf_token


def _register(client, n: int, address: str = "203.0.113.7"):
    form = {"full_name": f"Người Đăng Ký {n}", "email": f"nguoi{n}@truong.edu.vn", "applicant_kind": "school",
            "organisation": "Trường THCS Kim Đồng", "province_id": "ha-noi-34", "phone": "0912 345 678",
            "password": PASSWORD, "confirm": PASSWORD, "consent": "y",
            "csrf_token": csrf_token(client, "/accounts/register")}
    return client.post("/accounts/register", data=form, environ_base={"REMOTE_ADDR": address})


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_sixth_registration_in_a_minute_from_one_address_is_refused_with_the_form_kept(app):
    for n in range(5):
        assert _register(app.test_client(), n).status_code == 302
    before = _accounts()
    response = _register(app.test_client(), 5)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Có quá nhiều tài khoản được đăng ký từ mạng của bạn" in page
    assert "Người Đăng Ký 5" in page and "nguoi5@truong.edu.vn" in page and "Trường THCS Kim Đồng" in page
    assert PASSWORD not in page
    assert _accounts() == before
    assert _register(app.test_client(), 6, address="198.51.100.9").status_code == 302  # another address


def test_the_limits_are_a_setting_and_a_form_shown_again_is_not_counted(app):
    app.config["REGISTRATION_RATE_LIMITS"] = "2/hour"
    client = app.test_client()
    for _ in range(3):
        assert client.get("/accounts/register").status_code == 200
    assert _register(app.test_client(), 0).status_code == 302
    assert _register(app.test_client(), 1).status_code == 302
    response = _register(app.test_client(), 2)
    assert response.status_code == 429
    client.set_cookie("lang", "en")
    english = _register(client, 3).get_data(as_text=True)
    assert "Too many accounts were registered from your network just now" in english


def test_one_e_mail_address_is_registered_at_most_three_times_an_hour_from_anywhere(app):
    """Each registration naming a taken address e-mails its owner: from many addresses, that could bury them in
    mail. The fourth is refused, with the form kept, whether or not the address has an account."""
    form = {"email": "nguoi0@truong.edu.vn"}
    answers = [_register(app.test_client(), 0, address=f"198.51.100.{n}") for n in range(1, 5)]
    assert [r.status_code for r in answers] == [302, 302, 302, 429]
    page = answers[3].get_data(as_text=True)
    assert "Địa chỉ thư điện tử này vừa được dùng để đăng ký nhiều lần" in page and form["email"] in page
    assert PASSWORD not in page and int(answers[3].headers["Retry-After"]) > 0
    owner_mail = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.to_email == form["email"])).all()
    assert sorted(owner_mail) == ["account_registered", "registration_attempt", "registration_attempt"]
    assert _register(app.test_client(), 1, address="198.51.100.9").status_code == 302  # another address typed
