"""Registration, sign-in, staff accounts and roles. Services flush; the caller commits."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from award_app.accounts import passwords, sessions
from award_app.accounts.models import (
    ApplicantKind,
    EndorserScope,
    Role,
    RoleGrant,
    SessionEnd,
    User,
    UserSession,
    check_no_password,
)
from award_app.audit.services import record, record_at_most
from award_app.clock import utcnow
from award_app.errors import DomainError, InvalidTransition
from award_app.extensions import db
from award_app.text import nfc

# Failed sign-ins for addresses with no account, recorded per client address and hour (the rest are left out);
# those for an existing account are all recorded, and bounded by the sign-in throttle.
UNKNOWN_SIGN_INS_PER_HOUR = 10


class EmailTaken(DomainError):
    default_message = _l("An account with this e-mail already exists.")


class WeakPassword(DomainError):
    default_message = _l("The password must have at least 10 characters.")


WEAKNESS_CAUSES = {
    passwords.Weakness.PERSONAL: _l("it is built from your name or your e-mail address."),
    passwords.Weakness.COMMON: _l("it is one of the most common passwords, or close to one."),
    passwords.Weakness.KEYBOARD: _l("it follows a row of keys on the keyboard."),
    passwords.Weakness.REPEATED: _l("it repeats the same characters."),
    passwords.Weakness.SEQUENCE: _l("it is a simple sequence, such as abcd or 1234."),
    passwords.Weakness.DATE: _l("it rests on a date or a year, which is easy to guess."),
    passwords.Weakness.WORDS: _l("it is made of common words or names."),
    passwords.Weakness.LOCAL: _l("it is built from words anyone here tries first: Vietnamese words such as “mật "
                                 "khẩu”, a city, a common name, or the award's or the ministry's name."),
    passwords.Weakness.PREDICTABLE: _l("it is too easy to guess."),
}


def password_problem(password: str, *, full_name: str, email: str) -> str | None:
    """What is wrong with this password for this person, in the reader's language (the strength meter as a
    sentence), or None when it is strong enough."""
    config = current_app.config
    platform = passwords.site_words(config["MINISTRY_NAME"], config["MINISTRY_NAME_EN"])
    verdict = passwords.weakness(password, full_name=full_name, email=email, platform_words=platform)
    if verdict.ok:
        return None
    if verdict.weakness is passwords.Weakness.TOO_SHORT:
        return str(WeakPassword.default_message)
    return str(_l("This password is too weak (strength %(score)d of 4, at least 3 is needed): %(cause)s "
                  "Try three or four unrelated words.", score=verdict.score, cause=WEAKNESS_CAUSES[verdict.weakness]))


def require_strong_password(password: str, *, full_name: str, email: str) -> None:
    problem = password_problem(password, full_name=full_name, email=email)
    if problem:
        raise WeakPassword(problem)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _new_user(email: str, password: str, full_name: str, **fields) -> User:
    email = email.strip().lower()
    require_strong_password(password, full_name=full_name, email=email)  # before the address is looked at
    user = User(email=email, full_name=nfc(full_name), **fields)
    user.set_password(password)  # hashed before the transaction that checks the address and writes begins
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise EmailTaken()
    db.session.add(user)
    return user


def register_applicant(*, email: str, password: str, full_name: str, applicant_kind: ApplicantKind,
                       organisation: str, phone: str, province_id: str | None, locale: str | None,
                       notice_version: str, email_confirmed: bool = False) -> User:
    """Self-registration records consent to the privacy notice (Decree 13/2023/NĐ-CP). The address is not
    confirmed yet (`email_confirmed` only for accounts made where it is known, such as the demo's)."""
    user = _new_user(email, password, full_name, applicant_kind=applicant_kind, organisation=nfc(organisation),
                     phone=phone.strip(), province_id=province_id, locale=locale, consent_at=utcnow(),
                     privacy_notice_version=notice_version, email_confirmed_at=utcnow() if email_confirmed else None)
    user.role_grants.append(RoleGrant(role=Role.APPLICANT))
    db.session.flush()
    record("account.registered", user, actor=user, applicant_kind=applicant_kind, notice=notice_version,
           email_confirmed=email_confirmed)
    return user


def create_staff_account(*, email: str, password: str, full_name: str, organisation: str, roles: set[Role],
                         actor=None, email_confirmed: bool = False) -> User:
    """The address counts as confirmed once its owner sets a password through the e-mailed reset link."""
    user = _new_user(email, password, full_name, organisation=nfc(organisation),
                     email_confirmed_at=utcnow() if email_confirmed else None)
    for role in sorted(roles):
        user.role_grants.append(RoleGrant(role=role))
    db.session.flush()
    record("account.created", user, actor=actor, roles=sorted(roles), email_confirmed=email_confirmed)
    return user


def unusable_password() -> str:
    """A random password nobody knows: the person sets their own through an e-mailed link."""
    return secrets.token_urlsafe(32)


def update_account(user: User, roles: set[Role], scopes: set[tuple[str, str]], active: bool, *, actor) -> None:
    """An administrator's change to another account; the rules that keep someone able to administer hold
    first, so nothing is changed when they refuse."""
    require_an_administrator_remains(user, roles, active, actor=actor)
    set_roles(user, roles, actor=actor)
    set_endorser_scopes(user, scopes, actor=actor)
    set_active(user, active, actor=actor)


def require_an_administrator_remains(user: User, roles: set[Role], active: bool, *, actor=None) -> None:
    """No one removes their own administrator role or disables their own account, and the last active
    administrator keeps both, whoever asks (a page, the command line, a script)."""
    loses_admin = Role.ADMIN in user.roles and user.is_active_account and (Role.ADMIN not in roles or not active)
    if not loses_admin:
        return
    if actor is not None and actor.id == user.id:
        raise InvalidTransition(_l("You cannot remove your own administrator role or disable your own account."))
    others = db.session.scalar(select(func.count(User.id)).join(RoleGrant).where(
        RoleGrant.role == Role.ADMIN, User.id != user.id, User.is_active_account.is_(True)))
    if not others:
        raise InvalidTransition(_l("This is the last active administrator: give another account the "
                                   "administrator role first."))


def set_roles(user: User, roles: set[Role], *, actor=None) -> None:
    require_an_administrator_remains(user, roles, user.is_active_account, actor=actor)
    old = user.roles
    for grant in list(user.role_grants):
        if grant.role not in roles:
            user.role_grants.remove(grant)
    for role in sorted(roles - old):
        user.role_grants.append(RoleGrant(role=role))
    if old != roles:
        db.session.flush()
        record("account.roles_changed", user, actor=actor, old=sorted(old), new=sorted(roles))


def set_endorser_scopes(user: User, scopes: set[tuple[str, str]], *, actor=None) -> None:
    """`scopes` holds (province_id, programme_code) pairs."""
    old = {(s.province_id, str(s.programme_code)) for s in user.endorser_scopes}
    for scope in list(user.endorser_scopes):
        if (scope.province_id, str(scope.programme_code)) not in scopes:
            user.endorser_scopes.remove(scope)
    for province_id, programme_code in sorted(scopes - old):
        user.endorser_scopes.append(EndorserScope(province_id=province_id, programme_code=programme_code))
    if old != scopes:
        db.session.flush()
        record("account.endorser_scopes_changed", user, actor=actor, old=sorted(old), new=sorted(scopes))


def set_active(user: User, active: bool, *, actor=None) -> None:
    """Disabling an account also ends every session it has."""
    if user.is_active_account == active:
        return
    require_an_administrator_remains(user, user.roles, active, actor=actor)
    user.is_active_account = active
    if not active:
        sessions.end_all(user, SessionEnd.DISABLED, actor=actor)
    record("account.enabled" if active else "account.disabled", user, actor=actor)


def authenticate(email: str, password: str) -> User | None:
    """The same answer (None) for an unknown account, a wrong password and a disabled account."""
    user = find_user_by_email(email)
    if user is None:
        check_no_password(password)  # as slow as a wrong password: the timing does not tell the account exists
        # Anyone can try any number of addresses: at most a few events an hour per client address.
        record_at_most(UNKNOWN_SIGN_INS_PER_HOUR, timedelta(hours=1), "auth.sign_in_failed",
                       same={"email": email.strip().lower()[:254]})
        return None
    if not user.is_active:
        check_no_password(password)  # a disabled account's password is never tried, in the same time
        record("auth.sign_in_failed", user, actor=None, email=email.strip().lower()[:254])
        return None
    verified_hash = user.password_hash
    # The hash is checked with no write lock held; the account is read again for the write that follows.
    if not user.check_password(password) or user.password_hash != verified_hash or not user.is_active:
        record("auth.sign_in_failed", user, actor=None, email=email.strip().lower()[:254])
        return None
    user.last_login_at = utcnow()
    record("auth.sign_in", user, actor=user)
    return user


def record_sign_in_throttled(email: str, *, reason: str, wait: int) -> None:
    """A try refused by the throttle, its password unchecked. Anyone can repeat it without end: at most a few
    events an hour per client address, one per address typed and reason."""
    email = email.strip().lower()[:254]
    record_at_most(UNKNOWN_SIGN_INS_PER_HOUR, timedelta(hours=1), "auth.sign_in_throttled", find_user_by_email(email),
                   actor=None, same={"email": email, "reason": reason}, retry_after=wait)


def change_password(user: User, new_password: str, *, actor=None, keep: UserSession | None = None,
                    reason: SessionEnd = SessionEnd.PASSWORD_CHANGED) -> None:
    """Every session of this user ends but `keep` (the one that changed it)."""
    require_strong_password(new_password, full_name=user.full_name, email=user.email)
    user.set_password(new_password)
    sessions.end_all(user, reason, keep=keep, actor=actor or user)
    record("account.password_changed", user, actor=actor or user)


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        record("account.locale_changed", user, actor=user, locale=locale)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    """Bound to the current password hash: once the password changes, the link no longer works. The link
    carries a digest of the hash, never a piece of it (its payload is readable by whoever holds the link)."""
    return _reset_serializer().dumps({"u": user.id, "h": password_fingerprint(user)})


def unused_reset_token() -> str:
    """A token of the same shape that opens no account (for the same work when an address has none)."""
    return _reset_serializer().dumps({"u": 0, "h": secrets.token_hex(8)})


def user_from_reset_token(token: str, *, max_age: int) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or not hmac.compare_digest(password_fingerprint(user), str(data.get("h"))):
        return None
    return user


def password_fingerprint(user: User) -> str:
    """A short digest of the stored password hash, for links that must die when the password changes; it
    reveals nothing of the hash."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


# -- e-mail ownership ---------------------------------------------------------------------------------

def _confirmation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirmation")


def _address_fingerprint(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def confirmation_token(user: User) -> str:
    """For the address the account has now: once it is confirmed, or the address changes, the link opens
    nothing. The link carries a digest of the address, not the address."""
    return _confirmation_serializer().dumps({"u": user.id, "e": _address_fingerprint(user.email)})


def user_from_confirmation_token(token: str, *, max_age: int) -> User | None:
    """The account whose address this link still confirms; None when it expired, was altered, was already
    used (the address is confirmed) or names an address the account no longer has."""
    try:
        data = _confirmation_serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.email_confirmed:
        return None
    if not hmac.compare_digest(_address_fingerprint(user.email), str(data.get("e"))):
        return None
    return user


def confirm_email(user: User, *, via: str) -> bool:
    """Mark the address confirmed, once: of two uses of a link at the same moment only one writes (and is
    audited). `via` is what proved it: "link" or "password_reset". False when it already was."""
    now = utcnow()
    changed = db.session.execute(update(User).where(User.id == user.id, User.email_confirmed_at.is_(None))
                                 .values(email_confirmed_at=now).execution_options(synchronize_session=False)).rowcount
    if not changed:
        return False
    set_committed_value(user, "email_confirmed_at", now)
    record("account.email_confirmed", user, actor=user, via=via)
    return True
