"""Server-side sessions (S13): a record per signed-in browser, checked on every request, ended for good at
sign-out, after an idle time or a lifetime, from the user's list of sessions, and when the password changes
or the account is disabled. Services flush; the caller commits (the loader's own small writes excepted)."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, joinedload

from award_app.accounts.models import STAFF_ROLES, CouncilMembership, SessionEnd, User, UserSession
from award_app.audit.services import new_event, record
from award_app.clock import utcnow
from award_app.database import beside_the_request
from award_app.extensions import db

# The last visit is written at most this often per session: not one write per page.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client() -> tuple[str | None, str]:
    if not has_request_context():
        return None, ""
    return request.remote_addr, (request.user_agent.string or "")[:300]


def start(user: User) -> str:
    """A new session for `user`; returns the token its cookie carries (never stored in clear)."""
    token = secrets.token_urlsafe(32)
    ip, agent = _client()
    now = utcnow()
    session = UserSession(user=user, token_hash=token_hash(token), created_at=now, last_seen_at=now, ip=ip,
                          user_agent=agent)
    db.session.add(session)
    db.session.flush()
    record("auth.session_started", session, actor=user, user_agent=agent[:120])
    user.session_token, user.session_record = token, session
    return token


def sign_in(user: User) -> None:
    """Start a session and put its token in the cookie; the user's sessions already timed out are closed
    (and audited) on the way, so the list of sessions stays true."""
    end_timed_out(user)
    start(user)
    login_user(user)


def end(session: UserSession, reason: SessionEnd, *, actor: User | None = None) -> bool:
    """End one open session; False when it had already ended."""
    if session.ended_at is not None:
        return False
    session.ended_at, session.end_reason = utcnow(), reason
    record("auth.session_ended", session, actor=actor or session.user, reason=reason, user_id=session.user_id)
    return True


def end_all(user: User, reason: SessionEnd, *, keep: UserSession | None = None, actor: User | None = None) -> int:
    """End every open session of `user` but `keep`: a password change, a reset, disabling, "end all others"."""
    ended = 0
    for session in open_sessions(user):
        if session is not keep and end(session, reason, actor=actor or user):
            ended += 1
    return ended


def open_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).order_by(UserSession.last_seen_at.desc())))


def forget_devices(user: User) -> None:
    """A deleted account keeps no trace of where it signed in from (the records stay, ended, for the audit)."""
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(ip=None, user_agent=""))


def end_timed_out(user: User) -> None:
    now = utcnow()
    for session in open_sessions(user):
        reason = timed_out(session, user, now)
        if reason is not None:
            end(session, reason, actor=user)


def end_all_timed_out() -> int:
    """Close every session that timed out and never came back (a browser closed, a device lost), so that its
    end is in the audit log too; for a daily or hourly cron. Returns how many ended."""
    now, ended = utcnow(), 0
    rows = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))
                              .options(joinedload(UserSession.user).selectinload(User.endorser_scopes),
                                       joinedload(UserSession.user).selectinload(User.council_memberships)))
    for session in rows:
        reason = timed_out(session, session.user, now)
        if reason is not None and end(session, reason, actor=session.user):
            ended += 1
    return ended


def idle_limit(user: User) -> timedelta:
    """Staff, endorsers and jurors: SESSION_IDLE_MINUTES (30); applicants only: SESSION_IDLE_MINUTES_APPLICANT."""
    config = current_app.config
    minutes = config["SESSION_IDLE_MINUTES"] if works_for_the_award(user) else config["SESSION_IDLE_MINUTES_APPLICANT"]
    return timedelta(minutes=minutes)


def works_for_the_award(user: User) -> bool:
    return bool(user.roles & set(STAFF_ROLES)) or bool(user.endorser_scopes) or any(
        m.withdrawn_at is None for m in user.council_memberships)


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def timed_out(session: UserSession, user: User, now: datetime) -> SessionEnd | None:
    """The idle time counts from the last recorded visit, which lags the real one by up to TOUCH_EVERY:
    that much is added, so a session never ends before its idle time."""
    if now - session.created_at >= lifetime():
        return SessionEnd.LIFETIME
    if now - session.last_seen_at >= idle_limit(user) + TOUCH_EVERY:
        return SessionEnd.IDLE
    return None


def load_user(token: str) -> User | None:
    """Flask-Login's loader. One query finds the open session by its token's SHA-256 together with its user,
    roles, scopes and councils (every page needs them). A session timed out is ended here, in a transaction
    of its own; the last visit is written at most once a minute, the same way."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(UserSession).join(UserSession.user)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
        .options(contains_eager(UserSession.user).options(
            joinedload(User.role_grants), joinedload(User.endorser_scopes),
            joinedload(User.council_memberships).joinedload(CouncilMembership.round)))
    ).unique().scalar_one_or_none()
    if row is None or not row.user.is_active:
        return None
    user, now = row.user, utcnow()
    reason = timed_out(row, user, now)
    if reason is not None:
        _write_apart(row, now, ended=reason)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        _write_apart(row, now)
    user.session_token, user.session_record = token, row
    return user


def _write_apart(session: UserSession, now: datetime, *, ended: SessionEnd | None = None) -> None:
    """The loader's writes: a GET's committed apart from it (it stays a read), a POST's with it (see
    award_app.database.beside_the_request; `unauthorized` commits a session end). Ending is conditional on
    the session being still open, so two servers ending it at once write one end and one audit event."""
    with beside_the_request() as apart:
        if apart is None:
            return
        if ended is None:
            apart.execute(update(UserSession).where(UserSession.id == session.id).values(last_seen_at=now))
            return
        result = apart.execute(update(UserSession).where(UserSession.id == session.id, UserSession.ended_at.is_(None))
                               .values(ended_at=now, end_reason=ended))
        if result.rowcount:
            apart.add(new_event("auth.session_ended", session, actor=session.user, reason=ended,
                                user_id=session.user_id))


# -- the device, in plain words --------------------------------------------------------------------

_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Macintosh", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("CocCoc", "Cốc Cốc"), ("Zalo", "Zalo"), ("Firefox/", "Firefox"),
             ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_MOBILE = re.compile(r"Mobi|iPhone|Android.*Mobile")


def describe_device(agent: str) -> str:
    """"Chrome on Android (phone)", "Safari on iPhone", "Firefox on Windows"; an unknown browser says so."""
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    if browser is None and system is None:
        return _("Unknown device")
    if system is None:
        return browser
    if browser is None:
        return _("A browser on %(system)s", system=system)
    if system == "Android" and _MOBILE.search(agent):
        return _("%(browser)s on %(system)s (phone)", browser=browser, system=system)
    return _("%(browser)s on %(system)s", browser=browser, system=system)
