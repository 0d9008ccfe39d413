"""Issue 15, point 2: a council invitation link signs nobody in. Only the invitee, signed in with their own
password, accepts it, once; it dies on use, when sent again, on a password change and after INVITATION_DAYS;
every acceptance and every refused use of a real invitation is in the audit log."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership
from award_app.audit.models import AuditEvent
from award_app.clock import utcnow
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.jury import services
from award_app.notifications.models import OutboxMessage
from tests.helpers import PASSWORD, login, pass_second_factor, submit
from tests.nominations.factories import eligible_round, in_request, staff

INVITATION_PATH = re.compile(r"/jury/invitations/[^\s\"<]+")


def _invite(user):
    round_, _dossiers, secretariat = eligible_round(1)
    with in_request():
        membership = services.invite_member(round_, user, is_chair=False, actor=secretariat)
    db.session.commit()
    return round_, secretariat, membership


def _path(membership) -> str:
    with in_request():
        return f"/jury/invitations/{services.invitation_token(membership)}"


def _client(app, user=None, password: str = PASSWORD):
    client = app.test_client()
    client.set_cookie("lang", "en")
    if user is not None:
        login(client, user, password)
    return client


def _accepted(membership) -> bool:
    db.session.expire_all()
    return db.session.get(CouncilMembership, membership.id).accepted_at is not None


def _events(membership, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "CouncilMembership",
        AuditEvent.object_id == str(membership.id)).order_by(AuditEvent.id)))


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def _mails(user, kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id,
                                                               OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def test_an_anonymous_visitor_is_sent_to_sign_in_and_signed_in_as_nobody(app):
    auditor = staff("auditor")  # staff invited as a juror: the link must not hand over their roles
    _round, _secretariat, membership = _invite(auditor)
    path = _path(membership)
    client = _client(app)
    for response in (client.get(path), submit(client, path, form_url="/accounts/login")):
        assert response.status_code == 302
        assert response.location.endswith(f"/accounts/login?next={quote(path, safe='')}") \
            or response.location.endswith(f"/accounts/login?next={path}")
    assert client.get("/audit/").location.split("?")[0].endswith("/accounts/login")
    assert client.get("/").location.endswith("/accounts/login")
    assert not _accepted(membership)
    signed_in = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in",
                                                            AuditEvent.user_id == auditor.id)).all()
    assert signed_in == []


def test_the_invitee_signs_in_comes_back_and_accepts_once(app):
    invitee = staff()
    round_, _secretariat, membership = _invite(invitee)
    path = _path(membership)
    client = _client(app)
    back = submit(client, f"/accounts/login?next={quote(path, safe='')}",
                  {"email": invitee.email, "password": PASSWORD}, form_url="/accounts/login")
    assert back.location.endswith(path)
    pass_second_factor(client, invitee.email)  # a juror-to-be sets up the second step first
    page = client.get(path)
    assert page.status_code == 200 and "I accept" in _text(page)
    accepted = submit(client, path)
    assert accepted.location.endswith(f"/jury/round/{round_.id}/declaration")
    assert _accepted(membership)
    (event,) = _events(membership, "council.invitation_accepted")
    assert event.user_id == invitee.id

    for replay in (client.get(path), submit(client, path, form_url="/")):
        assert replay.location.endswith("/")
    page = _text(client.get("/"))
    assert "You have already accepted this invitation." in page
    refusals = _events(membership, "council.invitation_refused")
    assert [e.details["reason"] for e in refusals] == ["accepted", "accepted"]
    assert len(_events(membership, "council.invitation_accepted")) == 1


def test_another_account_cannot_accept_and_the_attempt_is_recorded(app):
    invitee, intruder = staff(), staff("auditor")
    _round, _secretariat, membership = _invite(invitee)
    path = _path(membership)
    client = _client(app, intruder)
    assert client.get(path).status_code == 404
    assert submit(client, path, form_url="/").status_code == 404
    assert not _accepted(membership)
    denied = _events(membership, "access.denied")
    assert [(e.user_id, e.details["reason"]) for e in denied] == [(intruder.id, "another_account")] * 2
    assert submit(_client(app, invitee), path).status_code == 302  # the invitee still can
    assert _accepted(membership)


def test_the_link_dies_when_the_password_changes_and_the_home_page_gives_a_fresh_one(app):
    invitee = staff()
    _round, _secretariat, membership = _invite(invitee)
    old_path = _path(membership)
    accounts.change_password(invitee, "mat-khau-moi-rat-dai")
    db.session.commit()
    client = _client(app, invitee, "mat-khau-moi-rat-dai")
    assert client.get(old_path).location.endswith("/")
    assert submit(client, old_path, form_url="/").location.endswith("/")
    assert not _accepted(membership)
    assert [e.details["reason"] for e in _events(membership, "council.invitation_refused")] == \
        ["password_changed"] * 2
    home = _text(client.get("/"))
    assert "no longer works" in home
    fresh = INVITATION_PATH.search(home).group(0)
    assert fresh != old_path
    assert submit(client, fresh).status_code == 302 and _accepted(membership)


def test_an_expired_link_is_refused_and_the_secretariat_sends_a_new_one(app):
    invitee = staff()
    round_, secretariat, membership = _invite(invitee)
    old_path = _path(membership)
    membership.invited_at = utcnow() - timedelta(days=app.config["INVITATION_DAYS"], minutes=1)
    db.session.commit()
    client = _client(app, invitee)
    assert client.get(old_path).location.endswith("/")
    home = _text(client.get("/"))
    assert "This invitation has expired. Ask the secretariat to send it again." in home
    assert INVITATION_PATH.search(home) is None  # no fresh link for an expired invitation
    assert _events(membership, "council.invitation_refused")[-1].details["reason"] == "expired"

    council = _client(app, secretariat)
    page = _text(council.get(f"/jury/round/{round_.id}/council"))
    assert "expired" in page and "Send the invitation again" in page
    resent = submit(council, f"/jury/council/{membership.id}/resend", form_url=f"/jury/round/{round_.id}/council")
    assert resent.location.endswith(f"/jury/round/{round_.id}/council")
    (event,) = _events(membership, "council.invitation_resent")
    assert event.user_id == secretariat.id

    new_path = INVITATION_PATH.search(_mails(invitee, "council_invitation")[-1].body).group(0)
    assert new_path != old_path
    assert client.get(old_path).location.endswith("/")  # the old link stays dead
    assert _events(membership, "council.invitation_refused")[-1].details["reason"] == "replaced"
    assert submit(client, new_path).status_code == 302 and _accepted(membership)


def test_an_accepted_invitation_cannot_be_sent_again(app):
    invitee = staff()
    round_, secretariat, membership = _invite(invitee)
    assert submit(_client(app, invitee), _path(membership)).status_code == 302
    council = _client(app, secretariat)
    submit(council, f"/jury/council/{membership.id}/resend", form_url=f"/jury/round/{round_.id}/council")
    assert _events(membership, "council.invitation_resent") == []
    assert len(_mails(invitee, "council_invitation")) == 1


def test_a_new_account_chooses_its_password_through_the_reset_then_signs_in_and_accepts(app):
    round_, _dossiers, secretariat = eligible_round(1)
    council = _client(app, secretariat)
    url = f"/jury/round/{round_.id}/council"
    assert submit(council, url, {"email": "moi.giamkhao@vien.vn", "full_name": "Người Mới"}).status_code == 302
    newcomer = accounts.find_user_by_email("moi.giamkhao@vien.vn")
    (mail,) = _mails(newcomer, "council_invitation")
    assert "Forgot your password" in mail.body or "Quên mật khẩu" in mail.body
    path = INVITATION_PATH.search(mail.body).group(0)

    client = _client(app)
    login_page = _text(client.get(path, follow_redirects=True))
    assert "Forgot your password?" in login_page  # the way to a first password, and nothing else
    submit(client, "/accounts/reset", {"email": newcomer.email})
    reset = re.search(r"/accounts/reset/\S+", _mails(newcomer, "password_reset")[-1].body).group(0)
    assert submit(client, reset, {"password": "mat-khau-dau-tien", "confirm": "mat-khau-dau-tien"}).status_code == 302
    pass_second_factor(client, newcomer.email)
    membership = db.session.scalar(select(CouncilMembership).where(CouncilMembership.user_id == newcomer.id))
    assert not _accepted(membership)  # choosing a password is not accepting

    home = _text(client.get("/"))
    fresh = INVITATION_PATH.search(home).group(0)
    assert submit(client, fresh).location.endswith(f"/jury/round/{round_.id}/declaration")
    assert _accepted(membership)
    (event,) = _events(membership, "council.invitation_accepted")
    assert event.user_id == newcomer.id


def test_two_acceptances_at_once_accept_once(app):
    """A double click: both requests read a working link before either accepts; the nonce is used up in the
    statement that records the acceptance, so the second finds nothing to accept."""
    invitee = staff()
    _round, _secretariat, membership = _invite(invitee)
    with in_request():
        token = services.invitation_token(membership)
    first, second = services.read_invitation(token), services.read_invitation(token)
    assert first.problem is None and second.problem is None
    services.accept_invitation(first, actor=invitee)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.accept_invitation(second, actor=invitee)
    db.session.rollback()
    assert len(_events(membership, "council.invitation_accepted")) == 1
