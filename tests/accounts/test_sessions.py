"""S13: sessions end on the server (sign-out, idle time, lifetime, from the list of sessions, password change,
disabling), each end in the audit log; a form sent after its session ended keeps what was typed."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership, Role, UserSession
from award_app.accounts.sessions import describe_device, token_hash
from award_app.audit.models import AuditEvent
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.rounds.models import Round
from tests.helpers import CSRF_PATTERN, PASSWORD, csrf_token, login, submit
from tests.nominations.factories import open_round

PAGE = "/accounts/privacy"  # any page; the signed-in check is on /accounts/sessions
PRIVATE = "/accounts/sessions"


def signed_in_client(app, user, agent: str = "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537.36"):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    login(client, user)
    return client


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/accounts/login" in response.location


def copy_of_cookie(app, client):
    """Another browser holding a copy of `client`'s session cookie (a stolen or replayed cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def open_sessions(user) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                             UserSession.ended_at.is_(None))))


def only_session(user) -> UserSession:
    (session,) = open_sessions(user)
    return session


def ends(user) -> list[str]:
    """The reasons of the user's session ends in the audit log, oldest first."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.session_ended",
                                                         AuditEvent.object_type == "UserSession")
                                .order_by(AuditEvent.id))
    return [e.details["reason"] for e in events if e.details["user_id"] == user.id]


def age(session: UserSession, *, idle: timedelta = timedelta(0), since_start: timedelta | None = None) -> None:
    """The clock moved on: the session was last seen `idle` ago and started `since_start` ago."""
    now = utcnow()
    session.last_seen_at = now - idle
    session.created_at = now - (since_start if since_start is not None else idle)
    db.session.commit()


def test_a_copied_cookie_is_refused_once_its_owner_signed_out(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    thief = copy_of_cookie(app, client)
    assert thief.get(PRIVATE).status_code == 200  # the copy works as long as the session does
    assert submit(client, "/accounts/logout", form_url=PAGE).status_code == 302
    assert sent_to_sign_in(thief.get(PRIVATE))
    assert sent_to_sign_in(client.get(PRIVATE))
    assert open_sessions(user) == [] and ends(user) == ["signed_out"]


def test_the_cookie_carries_a_token_whose_hash_alone_is_stored(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    session = only_session(user)
    assert len(session.token_hash) == 64
    stored = {str(v) for v in db.session.execute(select(UserSession.__table__)).one()}
    cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    token = cookie["_user_id"]
    assert token_hash(token) == session.token_hash and token not in stored
    assert client.get_cookie("remember_token") is None  # no remember-me cookie that could outlive the session


@pytest.mark.parametrize(("roles", "still_open", "ended"), [
    (("secretariat",), 29, 32),    # staff: 30 minutes
    (("applicant",), 119, 122),    # an applicant: 2 hours
])
def test_a_session_ends_after_its_idle_time(app, make_user, roles, still_open, ended):
    user = make_user(*roles)
    client = signed_in_client(app, user)
    age(only_session(user), idle=timedelta(minutes=still_open))
    assert client.get(PRIVATE).status_code == 200
    age(only_session(user), idle=timedelta(minutes=ended))
    assert sent_to_sign_in(client.get(PRIVATE))
    assert open_sessions(user) == [] and ends(user) == ["idle"]
    assert sent_to_sign_in(client.get(PRIVATE)) and ends(user) == ["idle"]  # ended once, recorded once


def test_a_juror_has_the_staff_idle_time(app, make_user):
    juror = make_user()  # no global role: a juror by council membership alone
    db.session.add(CouncilMembership(user=juror, round=open_round(), accepted_at=utcnow()))
    db.session.commit()
    client = signed_in_client(app, juror)
    age(only_session(juror), idle=timedelta(minutes=32))
    assert sent_to_sign_in(client.get(PRIVATE)) and ends(juror) == ["idle"]


def test_the_idle_time_is_a_setting(app, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 5
    user = make_user("approver")
    client = signed_in_client(app, user)
    age(only_session(user), idle=timedelta(minutes=7))
    assert sent_to_sign_in(client.get(PRIVATE))


def test_a_session_ends_after_its_lifetime_even_when_busy(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    age(only_session(user), idle=timedelta(minutes=1), since_start=timedelta(hours=11, minutes=58))
    assert client.get(PRIVATE).status_code == 200
    age(only_session(user), idle=timedelta(0), since_start=timedelta(hours=12, minutes=1))
    assert sent_to_sign_in(client.get(PRIVATE))
    assert ends(user) == ["lifetime"]


def test_the_last_visit_is_written_at_most_once_a_minute_and_never_audited(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    session = only_session(user)
    age(session, idle=timedelta(seconds=30))
    before = session.last_seen_at
    events = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    assert client.get(PRIVATE).status_code == 200
    db.session.refresh(session)
    assert session.last_seen_at == before  # under a minute: not written
    age(session, idle=timedelta(minutes=3))
    assert client.get(PRIVATE).status_code == 200
    db.session.refresh(session)
    assert utcnow() - session.last_seen_at < timedelta(minutes=1)  # written, by a GET
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events


def test_the_session_and_the_user_come_in_one_query(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    executed = []

    def count(_connection, _cursor, statement, *_args):
        if statement != "BEGIN":  # SQLite's, begun by the app (see award_app/database.py)
            executed.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/accounts/sessions/alive")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.get_json()["idle_seconds"] == 30 * 60
    assert len(executed) == 1, executed


def test_the_user_lists_their_sessions_and_ends_another_one(app, make_user):
    user = make_user("secretariat")
    laptop = signed_in_client(app, user)
    phone = signed_in_client(app, user, "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 "
                                        "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
    phone_session = max(open_sessions(user), key=lambda s: s.id)
    laptop.set_cookie("lang", "en")
    page = laptop.get(PRIVATE).get_data(as_text=True)
    assert "Chrome on Windows" in page and "Chrome on Android (phone)" in page and "this device" in page
    response = submit(laptop, f"/accounts/sessions/{phone_session.id}/end", form_url=PRIVATE)
    assert response.status_code == 302 and response.location.endswith(PRIVATE)
    assert sent_to_sign_in(phone.get(PRIVATE))
    assert laptop.get(PRIVATE).status_code == 200
    assert ends(user) == ["ended_by_user"]


def test_ending_all_other_sessions_keeps_this_one(app, make_user):
    user = make_user("auditor")
    here = signed_in_client(app, user)
    others = [signed_in_client(app, user) for _ in range(2)]
    assert submit(here, "/accounts/sessions/end-others", form_url=PRIVATE).status_code == 302
    assert all(sent_to_sign_in(other.get(PRIVATE)) for other in others)
    assert here.get(PRIVATE).status_code == 200
    assert ends(user) == ["ended_by_user", "ended_by_user"]


def test_nobody_ends_someone_else_s_session(app, make_user):
    owner, intruder = make_user("secretariat"), make_user("admin")
    owner_client = signed_in_client(app, owner)
    intruder_client = signed_in_client(app, intruder)
    session = only_session(owner)
    response = submit(intruder_client, f"/accounts/sessions/{session.id}/end", form_url=PRIVATE)
    assert response.status_code == 404
    assert owner_client.get(PRIVATE).status_code == 200 and ends(owner) == []
    assert session.id not in re.findall(r"/accounts/sessions/(\d+)/end", intruder_client.get(PRIVATE).get_data(
        as_text=True))


def test_ending_without_the_form_s_token_is_refused(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    other = signed_in_client(app, user)
    session = max(open_sessions(user), key=lambda s: s.id)
    assert client.post(f"/accounts/sessions/{session.id}/end").status_code == 400
    assert other.get(PRIVATE).status_code == 200


def test_a_password_change_ends_the_other_sessions_only(app, make_user):
    user = make_user("secretariat")
    here, elsewhere = signed_in_client(app, user), signed_in_client(app, user)
    response = submit(here, "/accounts/password", {"current": PASSWORD, "password": "mua-thu-la-vang-roi-9",
                                                  "confirm": "mua-thu-la-vang-roi-9"})
    assert response.status_code == 302
    assert sent_to_sign_in(elsewhere.get(PRIVATE)) and here.get(PRIVATE).status_code == 200
    assert ends(user) == ["password_changed"]


def test_disabling_an_account_ends_its_sessions(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    accounts.set_active(user, False, actor=make_user("admin"))
    db.session.commit()
    assert sent_to_sign_in(client.get(PRIVATE)) and ends(user) == ["disabled"]


def test_sign_in_and_session_ends_are_audited_but_visits_are_not(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    for _ in range(3):
        client.get(PRIVATE)
    submit(client, "/accounts/logout", form_url=PAGE)
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == user.id)
                                      .order_by(AuditEvent.id)))
    assert actions == ["auth.sign_in", "auth.session_started", "auth.second_factor_enrolled", "auth.session_ended"]


def test_signing_in_closes_the_sessions_that_timed_out_meanwhile(app, make_user):
    user = make_user("secretariat")
    signed_in_client(app, user)
    age(only_session(user), idle=timedelta(hours=1))
    signed_in_client(app, user)
    assert len(open_sessions(user)) == 1 and ends(user) == ["idle"]


def test_a_form_sent_after_the_idle_end_keeps_its_input_and_is_sent_again_after_signing_in(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    token = csrf_token(client, "/rounds/new/eco_school")
    age(only_session(user), idle=timedelta(hours=1))
    note = "Ghi chú rất dài của thư ký… " * 20
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "note": note,
                                                           "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "Ghi chú rất dài" in page and db.session.scalars(select(Round)).all() == []
    kept = dict(re.findall(r'<textarea id="kept-\d+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    assert kept["edition"] == "1" and kept["year"] == "2026"
    login(client, user)  # in another tab
    again = client.post("/rounds/new/eco_school", data={**kept, "csrf_token": CSRF_PATTERN.search(page).group(1)})
    assert again.status_code == 302
    assert db.session.scalars(select(Round)).one().edition == 1


def test_a_background_save_after_the_idle_end_is_told_in_json(app, make_user):
    user = make_user("secretariat")
    client = signed_in_client(app, user)
    token = csrf_token(client, "/rounds/new/eco_school")
    age(only_session(user), idle=timedelta(hours=1))
    response = client.post("/rounds/new/eco_school", data={"edition": "1"},
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json()["signed_out"] is True


def test_a_visitor_who_never_signed_in_is_sent_to_sign_in(app, client):
    assert sent_to_sign_in(client.get(PRIVATE))
    response = submit(client, "/accounts/sessions/end-others", form_url=PAGE)
    assert sent_to_sign_in(response)


@pytest.mark.parametrize(("agent", "words"), [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 "
     "Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
     "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0", "Firefox on Mac"),
    ("curl/8.5", "Unknown device"),
])
def test_the_device_is_named_in_plain_words(app, agent, words):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert describe_device(agent) == words


def test_roles_do_not_matter_to_who_may_see_their_own_sessions(app, make_user):
    applicant = make_user()
    applicant.role_grants.clear()
    accounts.set_roles(applicant, {Role.APPLICANT})
    db.session.commit()
    assert signed_in_client(app, applicant).get(PRIVATE).status_code == 200


def test_a_cron_closes_the_sessions_nobody_came_back_to(app, make_user, runner):
    gone, busy = make_user("secretariat"), make_user("applicant")
    signed_in_client(app, gone)
    signed_in_client(app, busy)
    age(only_session(gone), idle=timedelta(minutes=45))
    age(only_session(busy), idle=timedelta(minutes=45))  # an applicant may stay 2 hours
    result = runner.invoke(args=["accounts", "end-timed-out-sessions"])
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    assert ends(gone) == ["idle"] and ends(busy) == [] and len(open_sessions(busy)) == 1


def test_deleting_one_s_account_ends_its_sessions_and_forgets_the_devices(app, make_user):
    user = make_user()
    client, other = signed_in_client(app, user), signed_in_client(app, user)
    assert submit(client, "/my-account/delete", form_url="/my-account/delete").status_code == 302
    assert sent_to_sign_in(other.get(PRIVATE)) and ends(user) == ["account_deleted", "account_deleted"]
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 2 and all(r.ip is None and r.user_agent == "" for r in rows)
