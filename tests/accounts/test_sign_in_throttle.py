"""Sign-in throttling that protects without locking the owner out (accounts.rules, accounts.throttle), on both
stores: this process's memory and a real Redis (each test under a key prefix of its own).

- Spraying: one address trying a password on 40 accounts is stopped after 30 failures, even for the right
  password; another address is not.
- One account from one address: 5 free failures, then a wait that doubles (2 s … 15 min), said in the answer.
- The owner, from an address that has not failed, gets in after 100 failed attempts on their account.
- 30 tries sent at once are not all evaluated: the password checks are counted."""

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from award_app.accounts import services as accounts
from award_app.accounts import throttle
from award_app.accounts.models import User
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from tests.conftest import seeded_app
from tests.helpers import PASSWORD, csrf_token
from tests.servers import REDIS_URL, redis_or_skip

WRONG = "Matkhau@2026"
SPRAYER, OWNER_HOME, OWNER_PHONE = "203.0.113.66", "198.51.100.10", "2001:db8:77:1::5"


@pytest.fixture(params=["memory", "redis"])
def app(request, tmp_path):
    """The app on SQLite with its sign-in counts in memory, or on the test Redis under a prefix of its own."""
    settings = {}
    if request.param == "redis":
        connection = redis_or_skip()
        settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}"}
    with seeded_app(request, tmp_path, **settings) as app:
        yield app
    if request.param == "redis":
        for key in connection.scan_iter(f"{settings['RATELIMIT_KEY_PREFIX']}*"):
            connection.delete(key)
        connection.close()


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The throttle's time, moved on by the test (a wait of 15 minutes takes none)."""
    fake = Clock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


def _account(n: int = 0) -> str:
    email = f"nguoi-dung-{n}-{uuid.uuid4().hex[:6]}@truong.edu.vn"
    accounts.create_staff_account(email=email, password=PASSWORD, full_name="Nguyễn Văn Thử", organisation="",
                                  roles=set())
    db.session.commit()
    return email


def _try(app, email: str, password: str, address: str, lang: str | None = None):
    """One try from a fresh browser at `address`."""
    client = app.test_client()
    if lang:
        client.set_cookie("lang", lang)
    return client.post("/accounts/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": address})


def _failures_recorded(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "auth.sign_in_failed", AuditEvent.details["email"].as_string() == email))


def test_spraying_forty_accounts_from_one_address_is_throttled(app, clock):
    emails = [_account(n) for n in range(40)]
    answers = [_try(app, email, WRONG, SPRAYER).status_code for email in emails]
    assert answers == [200] * 30 + [429] * 10
    refused = _try(app, emails[35], PASSWORD, SPRAYER)  # the right password is not even checked from there
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Có quá nhiều lần đăng nhập sai từ mạng của bạn" in refused.get_data(as_text=True)
    assert _try(app, emails[35], PASSWORD, OWNER_HOME).status_code == 302  # another address is not held back
    assert _failures_recorded(emails[35]) == 0


def test_one_account_from_one_address_waits_longer_after_each_failure(app, clock):
    email = _account()
    for _ in range(5):
        assert _try(app, email, WRONG, SPRAYER).status_code == 200
    for expected in (2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900):
        refused = _try(app, email, PASSWORD, SPRAYER)
        assert (refused.status_code, refused.headers["Retry-After"]) == (429, str(expected))
        clock.now += expected
        assert _try(app, email, WRONG, SPRAYER).status_code == 200  # evaluated again once the wait is over
    assert _failures_recorded(email) == 16
    clock.now += 900
    assert _try(app, email, PASSWORD, SPRAYER).status_code == 302
    for _ in range(5):  # the right password starts the count again
        assert _try(app, email, WRONG, SPRAYER).status_code == 200
    assert _try(app, email, WRONG, SPRAYER).status_code == 429


def test_the_owner_signs_in_from_another_address_after_a_hundred_failed_attempts_from_one(app, clock):
    email = _account()
    answers = []
    for _ in range(100):
        answers.append(_try(app, email, WRONG, SPRAYER).status_code)
        clock.now += 10
    assert answers.count(429) > 80  # the attacker's own address is slowed down…
    assert _try(app, email, PASSWORD, OWNER_HOME).status_code == 302  # …the owner is not


def test_the_owner_signs_in_after_a_hundred_failures_from_a_hundred_addresses(app, clock):
    """Past 30 failures in an hour the account is under attack: each address that failed on it waits 15
    minutes between tries. One that has not failed is still evaluated, so the owner gets in."""
    email = _account()
    attackers = [f"192.0.2.{n}" for n in range(1, 101)]
    for address in attackers:
        assert _try(app, email, WRONG, address).status_code == 200
    assert _failures_recorded(email) == 100
    again = _try(app, email, WRONG, attackers[0])
    assert again.status_code == 429 and again.headers["Retry-After"] == "900"
    assert _try(app, email, WRONG, "192.0.2.200").status_code == 200  # a fresh address: one guess, evaluated
    assert _try(app, email, PASSWORD, OWNER_PHONE).status_code == 302
    # The owner mistyping during the attack waits the full 15 minutes from there (or resets the password).
    assert _try(app, email, WRONG, OWNER_HOME).status_code == 200
    waiting = _try(app, email, PASSWORD, OWNER_HOME, lang="en")
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "900"
    page = waiting.get_data(as_text=True)
    assert "Too many failed sign-ins for this account from here. Try again in 15 minutes (at " in page
    assert "Forgot your password?" in page and email in page and PASSWORD not in page
    clock.now += 900
    assert _try(app, email, PASSWORD, OWNER_HOME).status_code == 302


def test_thirty_tries_at_once_are_not_all_evaluated(app, monkeypatch):
    """Each try is counted before its password is checked, in one atomic step (a Lua script on Redis, a lock in
    memory): the free five are evaluated, the others refused unchecked."""
    email = _account()
    checks, lock = [], threading.Lock()
    check_password = User.check_password

    def counted(user, password):
        with lock:
            checks.append(password)
        return check_password(user, password)

    monkeypatch.setattr(User, "check_password", counted)
    start, answers = threading.Barrier(30), []

    def guess() -> None:
        client = app.test_client()
        with app.app_context():
            form = {"email": email, "password": WRONG, "csrf_token": csrf_token(client)}
            start.wait()
            response = client.post("/accounts/login", data=form, environ_base={"REMOTE_ADDR": SPRAYER})
            with lock:
                answers.append(response.status_code)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 30
    # Five free tries; a sixth only if two seconds passed between the fifth and another's turn.
    assert len(checks) in (5, 6), len(checks)
    assert answers.count(200) == len(checks) and answers.count(429) == 30 - len(checks)


def test_a_refused_try_is_audited_a_bounded_number_of_times(app, clock):
    email = _account()
    for _ in range(5):
        _try(app, email, WRONG, SPRAYER)
    for _ in range(20):
        assert _try(app, email, WRONG, SPRAYER).status_code == 429
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in_throttled")).all()
    assert len(events) == 1  # one per address typed, reason, client and hour
    event = events[0]
    user = accounts.find_user_by_email(email)
    assert (event.object_id, event.ip, event.details["email"], event.details["reason"]) == (
        str(user.id), SPRAYER, email, "account")
    assert event.details["retry_after"] == 2
