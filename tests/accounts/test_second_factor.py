"""Issue 16: the second factor. An authenticator app's code (±1 step, each once), ten recovery codes (each
once), required for staff, jurors and endorsers, optional for applicants; a session that gave only the password
reaches nothing but the second step's pages."""

import re
import threading
import time
from datetime import timedelta

import pyotp
import pytest
from flask import url_for
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.routing import IntegerConverter

from award_app.accounts import second_factor
from award_app.accounts import services as accounts
from award_app.accounts.models import RecoveryCode, Role, SessionEnd, User, UserSession
from award_app.audit.models import AuditEvent
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from tests.helpers import (
    CSRF_PATTERN,
    SECRET_PATTERN,
    csrf_token,
    enrol_by_page,
    fresh_code,
    login,
    login_with_password_only,
    submit,
)
from tests.nominations.factories import applicant, staff

CODE_PAGE = "/accounts/second-factor/"
RECOVERY_PAGE = "/accounts/second-factor/recovery"
ENROL_PAGE = "/accounts/second-factor/enrol"
RECOVERY_CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")
# All that a session which gave only the password may reach.
OPEN_ENDPOINTS = {"second_factor.verify", "second_factor.recovery", "second_factor.enrol", "accounts.logout",
                  "accounts.language", "static", "dashboard.healthz"}


def actions(user) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "User",
                                                                   AuditEvent.object_id == str(user.id))
                                   .order_by(AuditEvent.id)))


def code_at(user, step: int) -> str:
    return pyotp.TOTP(second_factor.unseal(user.totp_secret)).at(step * second_factor.STEP_SECONDS)


def half_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/accounts/second-factor/" in response.location


def enrolled_staff(app, *roles: str) -> tuple[User, list[str]]:
    """A staff account that set up its app through the pages (as at its first sign-in); its recovery codes."""
    user = staff(*(roles or ("secretariat",)))
    client = app.test_client()
    login_with_password_only(client, user)
    codes = RECOVERY_CODE.findall(enrol_by_page(client))
    db.session.expire_all()
    return user, codes


# -- enrolment, forced for the roles that require it ---------------------------------------------------------

def test_staff_set_up_the_app_after_the_password_before_anything_else(app):
    user = staff("approver")
    client = app.test_client()
    login_with_password_only(client, user)
    response = client.get("/rounds/")
    assert response.status_code == 302 and response.location.startswith(ENROL_PAGE)
    assert "next=/rounds/" in response.location
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code is drawn here, nothing fetched
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    secret = SECRET_PATTERN.search(page).group(1).replace(" ", "")
    assert client.get(ENROL_PAGE).get_data(as_text=True).count(SECRET_PATTERN.search(page).group(1)) == 1  # kept
    token = CSRF_PATTERN.search(page).group(1)
    wrong = client.post(ENROL_PAGE, data={"csrf_token": token, "code": "000000"}, headers={"Accept-Language": "en"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.get_data(as_text=True)
    assert half_signed_in(client)
    done = client.post(ENROL_PAGE + "?next=/rounds/", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    codes = RECOVERY_CODE.findall(done.get_data(as_text=True))
    assert len(codes) == len(set(codes)) == 10
    assert 'href="/rounds/"' in done.get_data(as_text=True)
    assert client.get("/rounds/").status_code == 200
    db.session.expire_all()
    assert user.totp_enrolled_at is not None and "auth.second_factor_enrolled" in actions(user)


def test_the_secret_and_the_recovery_codes_are_not_stored_in_clear(app):
    user, codes = enrolled_staff(app)
    secret = second_factor.unseal(user.totp_secret)
    assert len(secret) == 32 and secret not in user.totp_secret
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    assert all(h.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0]) for h in stored)
    app.config["SECRET_KEY"] = "another key entirely, not the one it was sealed with"
    assert second_factor.unseal(user.totp_secret) is None


def test_a_secret_sealed_under_an_earlier_key_is_read_and_sealed_again_at_its_next_use(app):
    user, _codes = enrolled_staff(app)
    old_key, sealed = app.config["SECRET_KEY"], user.totp_secret
    app.config.update(SECRET_KEY="the new key of this server, drawn at random 7f3a", SECRET_KEY_FALLBACKS=[old_key])
    client = app.test_client()
    login(client, user)
    db.session.expire_all()
    assert user.totp_secret != sealed
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert second_factor.unseal(user.totp_secret) is not None


def test_an_applicant_needs_no_second_factor_but_may_set_one_up(app):
    user = applicant("school")
    client = app.test_client()
    login_with_password_only(client, user)
    assert client.get("/").status_code == 200  # no second step asked
    enrol_by_page(client)
    submit(client, "/accounts/logout", form_url="/")
    login_with_password_only(client, user)
    assert half_signed_in(client)  # once set up, it is asked
    assert submit(client, CODE_PAGE, {"code": fresh_code(user.email)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_role_that_requires_it_asks_for_enrolment_at_the_next_request(app):
    user = applicant("school")
    admin = staff("admin")
    client = app.test_client()
    login(client, user)
    assert client.get("/").status_code == 200
    accounts.set_roles(user, {Role.APPLICANT, Role.SECRETARIAT}, actor=admin)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith(ENROL_PAGE)


# -- the code after the password ---------------------------------------------------------------------------------

def _no_code_used_lately(user) -> None:
    """As if the account's last code was a minute ago: a refusal then comes from the code, not from its reuse."""
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=second_factor.current_step() - 2))
    db.session.commit()


def test_a_wrong_code_is_refused_and_recorded(app):
    user, _codes = enrolled_staff(app)
    _no_code_used_lately(user)
    client = app.test_client()
    login_with_password_only(client, user)
    assert client.get(CODE_PAGE).status_code == 200
    wrong = code_at(user, second_factor.current_step() + 5)
    response = submit(client, CODE_PAGE, {"code": wrong}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "This code is not right" in response.get_data(as_text=True)
    assert half_signed_in(client)
    assert actions(user)[-1] == "auth.second_factor_failed"
    assert submit(client, CODE_PAGE, {"code": "12345"}).status_code == 200  # too short: refused, no error
    assert half_signed_in(client)


def test_a_code_works_once(app):
    user, _codes = enrolled_staff(app)
    step = second_factor.current_step()
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=step - 2))
    db.session.commit()
    code = code_at(user, step)
    first = app.test_client()
    login_with_password_only(first, user)
    assert submit(first, CODE_PAGE, {"code": code}).status_code == 302
    assert not half_signed_in(first)
    second = app.test_client()  # someone who saw the code typed, on another device
    login_with_password_only(second, user)
    response = submit(second, CODE_PAGE, {"code": code}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "already used" in response.get_data(as_text=True)
    assert half_signed_in(second)
    earlier = code_at(user, step - 1)  # a code older than the one used is refused too
    assert submit(second, CODE_PAGE, {"code": earlier}).status_code == 200
    assert submit(second, CODE_PAGE, {"code": code_at(user, step + 1)}).status_code == 302  # the next one works


def test_codes_one_step_either_side_are_accepted_and_no_further():
    secret, now = pyotp.random_base32(), 1_790_000_000.0
    step = int(now // 30)
    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert second_factor.matching_step(secret, totp.at((step + offset) * 30), now) == step + offset
    for offset in (-3, -2, 2, 3):
        assert second_factor.matching_step(secret, totp.at((step + offset) * 30), now) is None
    assert second_factor.matching_step(secret, "１２３４５６", now) is None  # full-width digits are no code


def test_the_same_code_sent_twice_at_once_passes_once(app):
    user, _codes = enrolled_staff(app)
    step = second_factor.current_step()
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=step - 2))
    db.session.commit()
    code, clients = code_at(user, step), []
    for _ in range(2):
        client = app.test_client()
        login_with_password_only(client, user)
        clients.append((client, csrf_token(client, CODE_PAGE)))
    start, answers = threading.Barrier(2), []

    def send(client, token):
        plain = FlaskClient(app, use_cookies=True)
        plain._cookies = client._cookies
        start.wait()
        answers.append(plain.post(CODE_PAGE, data={"csrf_token": token, "code": code}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [200, 302]


def test_wrong_codes_are_limited_per_account(app):
    user, _codes = enrolled_staff(app)
    client = app.test_client()
    login_with_password_only(client, user)
    wrong = code_at(user, second_factor.current_step() + 5)
    for _ in range(5):
        assert submit(client, CODE_PAGE, {"code": wrong}).status_code == 200
    another = app.test_client()  # a new session does not start the count again
    login_with_password_only(another, user)
    response = submit(another, CODE_PAGE, {"code": fresh_code(user.email)}, headers={"Accept-Language": "en"})
    assert response.status_code == 429 and "Too many wrong codes" in response.get_data(as_text=True)
    assert half_signed_in(another)


# -- recovery codes -------------------------------------------------------------------------------------------

def test_a_recovery_code_works_once(app):
    user, codes = enrolled_staff(app)
    client = app.test_client()
    login_with_password_only(client, user)
    page = client.get(RECOVERY_PAGE).get_data(as_text=True)
    assert 'autocomplete="off"' in page and 'inputmode="numeric"' not in page
    assert submit(client, RECOVERY_PAGE, {"code": codes[3].upper().replace("-", " ")}).status_code == 302
    assert not half_signed_in(client)
    assert actions(user)[-2:] == ["auth.recovery_code_used", "auth.second_factor_passed"]
    assert second_factor.recovery_codes_left(user) == 9
    again = app.test_client()
    login_with_password_only(again, user)
    response = submit(again, RECOVERY_PAGE, {"code": codes[3]}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "already used" in response.get_data(as_text=True)
    assert half_signed_in(again)
    assert submit(again, RECOVERY_PAGE, {"code": codes[4]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(app):
    user, codes = enrolled_staff(app)
    client = app.test_client()
    login(client, user)
    page = submit(client, "/accounts/second-factor/recovery-codes", form_url="/accounts/second-factor/settings")
    fresh = RECOVERY_CODE.findall(page.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    other = app.test_client()
    login_with_password_only(other, user)
    assert submit(other, RECOVERY_PAGE, {"code": codes[0]}).status_code == 200
    assert submit(other, RECOVERY_PAGE, {"code": fresh[0]}).status_code == 302
    assert "auth.recovery_codes_replaced" in actions(user)


# -- a half-signed-in session reaches nothing else ----------------------------------------------------------------

def _every_route(app):
    """Each route with made-up values: the gate answers before any view looks them up."""
    for rule in app.url_map.iter_rules():
        values = {name: 1 if isinstance(rule._converters.get(name), IntegerConverter) else "x"
                  for name in rule.arguments if name not in (rule.defaults or {})}
        with app.test_request_context():
            yield rule, url_for(rule.endpoint, **values)


@pytest.mark.parametrize("owed", ["verify", "enrol"])
def test_a_session_that_gave_only_the_password_reaches_no_other_page(app, owed):
    user = enrolled_staff(app)[0] if owed == "verify" else staff("secretariat")
    client = app.test_client()
    login_with_password_only(client, user)
    token = csrf_token(client, CODE_PAGE if owed == "verify" else ENROL_PAGE)
    target = ENROL_PAGE if owed == "enrol" else CODE_PAGE
    reached = []
    for rule, url in _every_route(app):
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        for method in {"GET", "POST"} & rule.methods:
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            if response.status_code != 302 or not response.location.startswith(target):
                reached.append((method, url, response.status_code))
    assert reached == []
    saved = client.post("/scoring/entries/1/autosave", data={"csrf_token": token},
                        headers={"Accept": "application/json"})
    assert saved.status_code == 401 and saved.json["signed_out"] is True
    assert db.session.scalar(select(UserSession.second_factor_at).where(UserSession.user_id == user.id)
                             .order_by(UserSession.id.desc()).limit(1)) is None


def test_the_second_step_pages_fit_a_phone_and_offer_to_sign_out(app):
    user, _codes = enrolled_staff(app)
    client = app.test_client()
    login_with_password_only(client, user)
    page = client.get(CODE_PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert 'action="/accounts/logout"' in page and "/accounts/second-factor/recovery" in page
    assert 'href="/accounts/password"' not in page  # the account's links wait for the second step
    assert submit(client, "/accounts/logout", form_url=CODE_PAGE).status_code == 302
    assert client.get("/").location.startswith("/accounts/login")


# -- an administrator's reset ---------------------------------------------------------------------------------

def test_an_administrator_resets_a_lost_phone_and_the_user_is_told_in_their_language(app):
    user, _codes = enrolled_staff(app, "auditor")
    user.locale = "en"
    db.session.commit()
    users_client = app.test_client()
    login(users_client, user)
    admin = staff("admin")
    client = app.test_client()
    login(client, admin)
    assert f'action="/accounts/second-factor/admin/{user.id}/reset"' in client.get(f"/accounts/admin/{user.id}").text
    response = submit(client, f"/accounts/second-factor/admin/{user.id}/reset", form_url=f"/accounts/admin/{user.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert user.totp_secret is None and second_factor.recovery_codes_left(user) == 0
    assert users_client.get("/").location.startswith("/accounts/login")  # every session ended
    assert db.session.scalar(select(UserSession.end_reason).where(UserSession.user_id == user.id)
                             .order_by(UserSession.id.desc())) == SessionEnd.SECOND_FACTOR_RESET
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    assert mail.subject == "Your second sign-in step was reset"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.second_factor_reset"))
    assert event.user_id == admin.id and event.object_id == str(user.id)
    login_with_password_only(users_client, user)
    assert users_client.get("/").location.startswith(ENROL_PAGE)


def test_only_an_administrator_resets_and_not_their_own(app):
    user, _codes = enrolled_staff(app)
    secretariat = app.test_client()
    login(secretariat, staff("secretariat"))
    assert submit(secretariat, f"/accounts/second-factor/admin/{user.id}/reset", form_url="/").status_code == 404
    admin = staff("admin")
    client = app.test_client()
    login(client, admin)
    submit(client, f"/accounts/second-factor/admin/{admin.id}/reset", form_url="/")
    db.session.expire_all()
    assert user.totp_secret is not None and admin.totp_secret is not None


# -- the demo's published secret ------------------------------------------------------------------------------

def test_the_published_demo_secret_passes_only_where_the_configuration_names_it(app):
    user = staff("secretariat")
    second_factor.set_up_for_the_demo(user, app.config["DEMO_TOTP_SECRET"])
    db.session.commit()
    app.config["DEMO_TOTP_SECRET"] = None  # as in production
    client = app.test_client()
    login_with_password_only(client, user)
    code = pyotp.TOTP(second_factor.unseal(user.totp_secret)).now()
    assert submit(client, CODE_PAGE, {"code": code}).status_code == 200
    assert half_signed_in(client)


def test_the_demo_code_command_prints_the_current_code(app, runner):
    result = runner.invoke(args=["accounts", "demo-code"])
    assert result.exit_code == 0 and pyotp.TOTP(app.config["DEMO_TOTP_SECRET"]).now() in result.output
    app.config["DEMO_TOTP_SECRET"] = None
    assert runner.invoke(args=["accounts", "demo-code"]).exit_code != 0


def test_enrolment_keeps_the_shown_secret_only_for_a_while(app):
    assert second_factor.unseal(second_factor.seal("ABC"), ttl=second_factor.ENROLMENT_SECONDS) == "ABC"
    old = second_factor._cipher().encrypt_at_time(b"ABC", int(time.time()) - second_factor.ENROLMENT_SECONDS - 5)
    assert second_factor.unseal(old.decode(), ttl=second_factor.ENROLMENT_SECONDS) is None


def test_step_up_counts_from_the_last_second_factor(app):
    user, _codes = enrolled_staff(app)
    client = app.test_client()
    login(client, user)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                               .order_by(UserSession.id.desc()))
    user.session_record = record
    assert second_factor.passed_recently(user)
    record.second_factor_at = utcnow() - timedelta(minutes=app.config["STEP_UP_MINUTES"], seconds=1)
    assert not second_factor.passed_recently(user)


def test_a_password_reset_does_not_skip_the_second_step(app):
    user, _codes = enrolled_staff(app)
    client = app.test_client()
    submit(client, "/accounts/reset", {"email": user.email})
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).one()
    link = re.search(r"/accounts/reset/\S+", mail.body).group(0)
    assert submit(client, link, {"password": "mây-trắng-bay-qua-đồi-xanh", "confirm": "mây-trắng-bay-qua-đồi-xanh"}
                  ).status_code == 302
    assert half_signed_in(client)


def test_after_the_code_only_a_local_page_is_followed(app):
    user, _codes = enrolled_staff(app)
    _no_code_used_lately(user)
    client = app.test_client()
    login_with_password_only(client, user)
    response = submit(client, "/accounts/second-factor/?next=https://evil.example/", {"code": fresh_code(user.email)},
                      form_url=CODE_PAGE)
    assert response.status_code == 302 and response.location == "/"
