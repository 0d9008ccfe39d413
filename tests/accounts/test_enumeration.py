"""Nothing tells whether an address has an account: sign-in verifies a hash either way, a registration with a
taken address answers as a new one (and e-mails the owner), a reset answers the same and does the same work.
No timings are measured here: what is checked is that the same work is done."""

import re

import pytest
from sqlalchemy import func, select

from award_app.accounts import models, services, views
from award_app.accounts.models import User
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from tests.helpers import PASSWORD, submit

EMAIL = "huong.do@truong.edu.vn"
REGISTRATION = {"full_name": "Người Lạ", "email": EMAIL, "applicant_kind": "school", "organisation": "Trường",
                "province_id": "ha-noi-34", "phone": "", "password": "hoa-sen-giua-mua-he",
                "confirm": "hoa-sen-giua-mua-he", "consent": "y"}


@pytest.fixture
def hashes_checked(monkeypatch):
    """The stored hashes each sign-in verifies (spied on werkzeug's check_password_hash)."""
    checked = []
    real = models.check_password_hash

    def spy(stored, password):
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(models, "check_password_hash", spy)
    return checked


def _sign_in(client, email: str, password: str = "not-the-password"):
    return submit(client, "/accounts/login", {"email": email, "password": password})


def test_an_unknown_address_costs_one_hash_made_with_the_configured_method(app, client, hashes_checked):
    assert _sign_in(client, "nobody@example.vn").status_code == 200
    assert len(hashes_checked) == 1
    assert hashes_checked[0].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])


def test_a_disabled_account_costs_one_hash_and_never_tries_its_own(client, make_user, hashes_checked):
    user = make_user("secretariat")
    services.set_active(user, False)
    db.session.commit()
    assert _sign_in(client, user.email, PASSWORD).status_code == 200
    assert hashes_checked and hashes_checked != [user.password_hash]
    assert len(hashes_checked) == 1


def test_a_known_account_costs_one_hash_too(client, make_user, hashes_checked):
    user = make_user("secretariat")
    assert _sign_in(client, user.email).status_code == 200
    assert hashes_checked == [user.password_hash]


def test_the_dummy_hash_uses_the_real_scrypt_when_configured(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    with app.test_request_context():
        assert models._dummy_password_hash("scrypt").startswith("scrypt:")
        assert models.check_no_password("anything") is False


def _visible(response, email: str) -> str:
    """The page's text and its flashes, without the address typed (a form would show it back)."""
    page = response.get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    return page.replace(email, "")


def _register_and_follow(app, email: str = EMAIL):
    client = app.test_client()
    response = submit(client, "/accounts/register", {**REGISTRATION, "email": email})
    return response, client.get(response.location) if response.status_code == 302 else response


def test_registration_with_a_taken_address_answers_as_a_new_one(app, make_user):
    owner = make_user("secretariat", email=EMAIL, full_name="Đỗ Thị Thanh Hương")
    before = (owner.password_hash, owner.full_name, owner.organisation, sorted(owner.roles))
    new_answer, new_page = _register_and_follow(app, "someone.new@truong.edu.vn")
    assert services.find_user_by_email("someone.new@truong.edu.vn") is not None
    taken_answer, taken_page = _register_and_follow(app)

    assert (taken_answer.status_code, taken_answer.location) == (new_answer.status_code, new_answer.location)
    assert _visible(taken_page, EMAIL) == _visible(new_page, "someone.new@truong.edu.vn")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == EMAIL)) == 1
    owner = db.session.get(User, owner.id)
    assert (owner.password_hash, owner.full_name, owner.organisation, sorted(owner.roles)) == before
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == EMAIL)).one()
    assert (mail.user_id, mail.kind) == (owner.id, "registration_attempt")
    assert "/accounts/reset" in mail.body


def test_a_new_registration_also_sends_one_e_mail(app):
    _register_and_follow(app)
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert (mail.to_email, mail.kind) == (EMAIL, "account_registered")


def test_registration_with_a_taken_address_hashes_the_password_as_a_new_one(app, make_user, monkeypatch):
    hashed = []
    real = models.generate_password_hash
    monkeypatch.setattr(models, "generate_password_hash", lambda *a, **k: hashed.append(1) or real(*a, **k))
    make_user("secretariat", email=EMAIL)
    hashed.clear()
    _register_and_follow(app)
    assert hashed == [1]


def test_a_reset_for_an_unknown_address_does_the_work_of_one_for_an_account(client, monkeypatch):
    rendered = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template", lambda name, **k: rendered.append(name) or real(name, **k))
    response = submit(client, "/accounts/reset", {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert rendered.count("notifications/password_reset.txt") == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "account.reset_requested_unknown")) == 1
    assert db.session.scalars(select(OutboxMessage)).all() == []
