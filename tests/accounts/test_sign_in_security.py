"""S5 and S6: throttled sign-in, password reset by an expiring single-use link, sessions ended."""

import re

from sqlalchemy import select

from award_app.accounts.services import reset_token, user_from_reset_token
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from tests.helpers import PASSWORD, login, submit


def _fail(client, email):
    return submit(client, "/accounts/login", {"email": email, "password": "wrong-password-1"})


def test_five_failures_a_minute_per_account_and_address_then_429(client, make_user):
    user = make_user("secretariat")
    for _ in range(5):
        assert _fail(client, user.email).status_code == 200
    assert _fail(client, user.email).status_code == 429
    assert _fail(client, "someone.else@example.vn").status_code == 200  # another account is not locked out


def test_successful_sign_ins_do_not_count(client, make_user):
    user = make_user("secretariat")
    for _ in range(6):
        login(client, user)
        submit(client, "/accounts/logout", form_url="/")
    assert _fail(client, user.email).status_code == 200


def test_a_reset_link_works_once_and_ends_the_other_sessions(app, make_user):
    user = make_user("secretariat")
    old_session = app.test_client()
    login(old_session, user)
    visitor = app.test_client()
    response = submit(visitor, "/accounts/reset", {"email": user.email.upper()})
    unknown = submit(app.test_client(), "/accounts/reset", {"email": "nobody@example.vn"})
    assert response.status_code == unknown.status_code == 302  # the same answer either way
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).one()
    path = re.search(r"http://[^/]+(/accounts/reset/\S+)", mail.body).group(1)
    response = submit(visitor, path, {"password": "mua-thu-la-vang-roi", "confirm": "mua-thu-la-vang-roi"})
    assert response.status_code == 302 and response.location == "/"
    assert old_session.get("/rounds/").status_code == 302  # the old cookie no longer works
    again = visitor.get(path)
    assert again.status_code == 302 and "/accounts/reset" in again.location  # used: refused
    login(app.test_client(), user.email, "mua-thu-la-vang-roi")


def test_a_reset_link_expires(app, make_user):
    user = make_user("secretariat")
    token = reset_token(user)
    assert user_from_reset_token(token, max_age=3600) == user
    assert user_from_reset_token(token, max_age=-1) is None
    assert user_from_reset_token(token + "x", max_age=3600) is None
    assert PASSWORD


def test_a_reset_link_carries_no_piece_of_the_password_hash(app, make_user):
    """The token's payload is only signed, not encrypted: whoever holds the link reads it."""
    from itsdangerous import URLSafeTimedSerializer

    user = make_user("secretariat")
    payload = URLSafeTimedSerializer("any key").loads_unsafe(reset_token(user))[1]
    carried = str(payload)
    for start in range(len(user.password_hash) - 7):
        assert user.password_hash[start:start + 8] not in carried
    assert user_from_reset_token(reset_token(user), max_age=3600) == user


def test_reset_links_for_one_address_are_sent_at_most_three_times_an_hour(app, make_user):
    """Asked from many client addresses, one mailbox still gets three links an hour; an address with no account
    is counted the same way, so the refusal tells nothing about it."""
    user = make_user("secretariat")
    for email in (user.email, "khong-co@example.vn"):
        answers = [submit(app.test_client(), "/accounts/reset", {"email": email},
                          environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}) for n in range(1, 5)]
        assert [r.status_code for r in answers] == [302, 302, 302, 429]
        refused = answers[3]
        assert int(refused.headers["Retry-After"]) > 0
        assert "Vui lòng thử lại sau" in refused.get_data(as_text=True)
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).all()
    assert len(sent) == 3


def test_reset_requests_from_one_client_address_are_limited(app):
    client = app.test_client()
    answers = [submit(client, "/accounts/reset", {"email": f"nguoi-{n}@example.vn"}).status_code for n in range(11)]
    assert answers == [302] * 10 + [429]
