"""The second factor (issue 16): an authenticator app (TOTP, RFC 6238: 6 digits, 30-second steps, ±1 step) and
ten single-use recovery codes. Required for staff, jurors and endorsers, optional for applicants.

A session passes it once after the password; until then it is "half signed in" (see
award_app.accounts.second_factor_views, which lets such a session reach only the code, enrolment and sign-out
pages). An irreversible act asks for it again when the last pass is older than STEP_UP_MINUTES (step-up).

Secrets are stored encrypted: Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) under a key
derived from SECRET_KEY by HKDF-SHA256 (info `SECRET_INFO`). A secret sealed under a key in
SECRET_KEY_FALLBACKS is still read, and sealed again under SECRET_KEY when its code is next accepted.
Recovery codes are kept as salted hashes made like passwords' (werkzeug, PASSWORD_HASH_METHOD: scrypt).

Services flush; the caller commits."""

import base64
import enum
import secrets
from datetime import timedelta
from functools import cache

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from limits import parse_many
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from award_app.accounts import sessions
from award_app.accounts.models import RecoveryCode, SessionEnd, User
from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.database import end_idle_transaction
from award_app.extensions import db, limiter
from config import PUBLISHED_TOTP_SECRETS

STEP_SECONDS = 30
DIGITS = 6
# Steps accepted on either side of the server's: a phone's clock a little off, a code typed as it changes.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
# No i, l, o, 0 or 1, which read alike. Ten characters: about 49 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
SECRET_INFO = b"award_app second factor: TOTP secrets v1"
# A secret shown for enrolment but not yet confirmed is kept (encrypted) in the browser's cookie this long.
ENROLMENT_SECONDS = 3600


class Method(enum.StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


class Purpose(enum.StrEnum):
    SIGN_IN = "sign_in"
    STEP_UP = "step_up"


class Pending(enum.StrEnum):
    """What a signed-in session still owes before it may reach any other page."""

    ENROL = "enrol"
    VERIFY = "verify"


# -- who needs it, and where a session stands ---------------------------------------------------------------

def required_for(user: User) -> bool:
    """Staff (secretariat, approver, auditor, administrator), council members and endorsers."""
    return sessions.works_for_the_award(user)


def pending(user: User) -> Pending | None:
    """None once the session may go anywhere its roles allow. A role that needs a second factor, granted to an
    account without one, asks for enrolment at its next request."""
    if required_for(user) and not user.has_second_factor:
        return Pending.ENROL
    record_ = user.session_record
    if user.has_second_factor and (record_ is None or record_.second_factor_at is None):
        return Pending.VERIFY
    return None


def passed_recently(user: User) -> bool:
    """This session passed the second factor within STEP_UP_MINUTES (the step-up's condition)."""
    record_ = user.session_record
    if record_ is None or record_.second_factor_at is None or not user.has_second_factor:
        return False
    return utcnow() - record_.second_factor_at <= timedelta(minutes=current_app.config["STEP_UP_MINUTES"])


# -- the secret, sealed -------------------------------------------------------------------------------------

@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=SECRET_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> MultiFernet:
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_fernet(key) for key in keys])


def seal(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode()


def unseal(token: str | None, *, ttl: int | None = None) -> str | None:
    """The secret, or None when it cannot be read (another key, tampered, older than `ttl` seconds)."""
    if not token:
        return None
    try:
        return _cipher().decrypt(token.encode(), ttl=ttl).decode()
    except (InvalidToken, ValueError):
        return None


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address a QR code carries to the app: issuer and account name shown in the app."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SECOND_FACTOR_ISSUER"])


def secret_of(user: User) -> str | None:
    """The user's secret in clear, for checking a code. The demo's published secret counts only where the
    configuration names it (development and tests): a demo database served in production lets nobody in with it."""
    secret = unseal(user.totp_secret)
    if secret in PUBLISHED_TOTP_SECRETS and secret != current_app.config.get("DEMO_TOTP_SECRET"):
        return None
    return secret


# -- codes of the app ---------------------------------------------------------------------------------------

def normalise_digits(text: str | None) -> str:
    """"123 456" and "123-456" as typed or pasted on a phone: the digits alone."""
    return "".join(c for c in (text or "") if not c.isspace() and c != "-")


def current_step(now: float | None = None) -> int:
    return int((utcnow().timestamp() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The step (within ±WINDOW of now) whose code this is, or None. Compared in constant time."""
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp, step = pyotp.TOTP(secret), current_step(now)
    found = None
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if secrets.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            found = candidate
    return found


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used unless it, or a later one, already was: one conditional UPDATE, so that two
    requests with the same code at once (two servers, two tabs) cannot both pass: the second finds the row
    changed (PostgreSQL re-reads it after the first commits; SQLite runs writers one at a time)."""
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    db.session.expire(user, ["totp_last_step"])
    return bool(claimed)


def _accept_totp(user: User, code: str) -> bool:
    secret = secret_of(user)
    step = matching_step(secret, normalise_digits(code)) if secret else None
    if step is None or not _claim_step(user, step):
        return False
    if _sealed_under_a_fallback(user.totp_secret):
        user.totp_secret = seal(secret)  # sealed again under the current SECRET_KEY
    return True


def _sealed_under_a_fallback(token: str) -> bool:
    try:
        _fernet(current_app.config["SECRET_KEY"]).decrypt(token.encode())
    except InvalidToken:
        return True
    return False


# -- recovery codes -----------------------------------------------------------------------------------------

def normalise_recovery_code(text: str | None) -> str:
    """Case, spaces and the hyphen in the middle do not matter."""
    return "".join(c for c in (text or "").lower() if c.isalnum())[:40]


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Ten codes as shown to the user ("abcde-23456") and their hashes. Hashed with no write lock held (scrypt
    takes tens of milliseconds each, see end_idle_transaction): call it before writing anything."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    end_idle_transaction()
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return [format_recovery_code(c) for c in codes], [generate_password_hash(c, method=method) for c in codes]


def _store_recovery_codes(user: User, hashes: list[str]) -> None:
    """The new codes replace every earlier one, used or not."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=h) for h in hashes)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _accept_recovery_code(user: User, text: str) -> bool:
    """Checked against the unused codes with no write lock held; then marked used by one conditional UPDATE,
    so the same code sent twice at once passes once."""
    code = normalise_recovery_code(text)
    if len(code) != RECOVERY_LENGTH:
        return False
    unused = db.session.execute(select(RecoveryCode.id, RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all()
    end_idle_transaction()
    match = next((row.id for row in unused if check_password_hash(row.code_hash, code)), None)
    if match is None:
        return False
    return bool(db.session.execute(update(RecoveryCode).where(RecoveryCode.id == match, RecoveryCode.used_at.is_(None))
                                   .values(used_at=utcnow())).rowcount)


# -- passing it, failing it -----------------------------------------------------------------------------------

def _limits():
    return parse_many(current_app.config["SECOND_FACTOR_RATE_LIMITS"])


def _throttle_key(user: User) -> tuple[str, ...]:
    return current_app.config["RATELIMIT_KEY_PREFIX"], "second-factor", str(user.id)


def too_many_failures(user: User) -> bool:
    """Wrong codes are limited per account (SECOND_FACTOR_RATE_LIMITS), whichever session or server sent them:
    six digits cannot be guessed in the attempts allowed."""
    return not all(limiter.limiter.test(item, *_throttle_key(user)) for item in _limits())


def _count_failure(user: User) -> None:
    for item in _limits():
        limiter.limiter.hit(item, *_throttle_key(user))


def attempt(user: User, method: Method, code: str, purpose: Purpose) -> bool:
    """Check a code of the app or a recovery code; on success the session has passed the second factor now.
    Both outcomes are in the audit log. The caller checks too_many_failures first and commits."""
    accepted = _accept_totp(user, code) if method is Method.TOTP else _accept_recovery_code(user, code)
    if not accepted:
        _count_failure(user)
        record("auth.second_factor_failed", user, actor=user, method=method, purpose=purpose)
        return False
    _passed(user)
    if method is Method.RECOVERY_CODE:
        record("auth.recovery_code_used", user, actor=user, purpose=purpose, left=recovery_codes_left(user))
    record("auth.step_up" if purpose is Purpose.STEP_UP else "auth.second_factor_passed", user, actor=user,
           method=method)
    return True


def _passed(user: User) -> None:
    if user.session_record is not None:
        user.session_record.second_factor_at = utcnow()


# -- enrolment, new codes, reset ------------------------------------------------------------------------------

def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm a new authenticator with a code it shows: the secret replaces any earlier one, the code's step is
    used, new recovery codes replace any earlier ones, and this session has passed the second factor. Returns
    the recovery codes to show once, or None for a wrong code."""
    step = matching_step(secret, normalise_digits(code))
    if step is None:
        record("auth.second_factor_failed", user, actor=user, method=Method.TOTP, purpose="enrolment")
        return None
    codes, hashes = new_recovery_codes()  # before anything is written: no lock held while hashing
    replaced = user.has_second_factor
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = seal(secret), utcnow(), step
    _store_recovery_codes(user, hashes)
    _passed(user)
    record("auth.second_factor_enrolled", user, actor=user, replaced=replaced)
    return codes


def replace_recovery_codes(user: User, recovery_hashes: list[str]) -> None:
    _store_recovery_codes(user, recovery_hashes)
    record("auth.recovery_codes_replaced", user, actor=user)


def _forget(user: User) -> None:
    user.totp_secret = user.totp_enrolled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User) -> None:
    """An applicant's own choice (never for an account that requires a second factor)."""
    if required_for(user):
        raise ValueError("this account requires a second factor")
    _forget(user)
    record("auth.second_factor_turned_off", user, actor=user)


def set_up_for_the_demo(user: User, secret: str) -> None:
    """The demo's accounts share the published DEMO_TOTP_SECRET (development only; refused elsewhere, see
    secret_of). No recovery codes: the README tells how to get the current code."""
    if user.totp_secret is None:
        user.totp_secret, user.totp_enrolled_at = seal(secret), utcnow()


def reset(user: User, *, actor: User) -> None:
    """An administrator's reset for a lost phone: the secret and the recovery codes are forgotten and every
    session of the account ends (one might be the thief's, who would otherwise enrol their own app). The user
    enrols again at the next sign-in, after the password."""
    _forget(user)
    sessions.end_all(user, SessionEnd.SECOND_FACTOR_RESET, actor=actor)
    record("auth.second_factor_reset", user, actor=actor)
