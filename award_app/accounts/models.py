"""Users, their global roles and their scoped memberships (endorser of a province, council member)."""

import enum
import secrets
from datetime import datetime
from functools import cache

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from award_app.clock import utcnow
from award_app.columns import NFCText, UTCDateTime, str_enum
from award_app.database import end_idle_transaction
from award_app.extensions import Model, db
from award_app.rounds.models import ProgrammeCode


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    SECRETARIAT = "secretariat"
    APPROVER = "approver"
    AUDITOR = "auditor"
    ADMIN = "admin"


STAFF_ROLES = (Role.SECRETARIAT, Role.APPROVER, Role.AUDITOR, Role.ADMIN)


class ApplicantKind(enum.StrEnum):
    SCHOOL = "school"
    YOUNG_PERSON = "young_person"
    YOUTH_NOMINATOR = "youth_nominator"
    PROVINCE_COMMITTEE = "province_committee"


# Which programme each kind of applicant may enter.
APPLICANT_PROGRAMMES = {
    ApplicantKind.SCHOOL: ProgrammeCode.ECO_SCHOOL,
    ApplicantKind.YOUNG_PERSON: ProgrammeCode.YOUTH,
    ApplicantKind.YOUTH_NOMINATOR: ProgrammeCode.YOUTH,
    ApplicantKind.PROVINCE_COMMITTEE: ProgrammeCode.CITY,
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(NFCText(200))
    organisation: Mapped[str] = mapped_column(NFCText(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    applicant_kind: Mapped[ApplicantKind | None] = mapped_column(str_enum(ApplicantKind))
    province_id: Mapped[str | None] = mapped_column(ForeignKey("province.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str | None] = mapped_column(String(20))
    # No longer read: sessions are ended in user_session (password change, reset, disabling). Kept so that
    # older code and data still fit; a later migration may drop it.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (award_app.accounts.second_factor): the authenticator app's secret, encrypted (never
    # stored or logged in clear); when it was confirmed; the last 30-second step whose code was accepted (a
    # code of that step or an earlier one is refused: each code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    # When the owner showed they read this address's mail: a confirmation link, or a password set through an
    # e-mailed reset link. An applicant submits a dossier only once it is set.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    endorser_scopes: Mapped[list["EndorserScope"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    council_memberships: Mapped[list["CouncilMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    province = relationship("Province")

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    # The token of the session this object was signed in or loaded with (not a column): Flask-Login keeps it
    # in the cookie, and award_app.accounts.sessions.load_user finds the session record by its SHA-256.
    session_token = None
    session_record = None

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("sign in through award_app.accounts.sessions.sign_in, which starts a session")
        return self.session_token

    def __eq__(self, other) -> bool:
        """The same account, whichever session each object was loaded with."""
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.role_grants)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    def set_password(self, password: str) -> None:
        """Hashed outside any write transaction (see end_idle_transaction); if the password changed meanwhile
        (the same reset link used twice at once), the change is refused as made at the same moment."""
        previous = self.password_hash
        end_idle_transaction()
        new_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        if self.password_hash != previous:
            raise StaleDataError("the password changed while the new one was hashed")
        self.password_hash = new_hash

    def check_password(self, password: str) -> bool:
        """Hashed outside any write transaction (see end_idle_transaction); the caller checks again, in its
        write, that the hash it verified is still the stored one."""
        stored = self.password_hash
        end_idle_transaction()
        return check_password_hash(stored, password)


@cache
def _dummy_password_hash(method: str) -> str:
    """A hash of a random password nobody knows, made once per process with the configured method."""
    return generate_password_hash(secrets.token_urlsafe(24), method=method)


def check_no_password(password: str) -> bool:
    """The work of User.check_password, for an address with no account or a disabled one: the answer comes
    as late as for a wrong password, so its timing does not tell whether the account exists. Always False."""
    end_idle_transaction()
    check_password_hash(_dummy_password_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
    return False


class RoleGrant(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))

    user: Mapped[User] = relationship(back_populates="role_grants")

    __table_args__ = (UniqueConstraint("user_id", "role"),)


class EndorserScope(Model):
    """An endorser confirms nominations of one province for one programme."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[str] = mapped_column(ForeignKey("province.id"), index=True)
    programme_code: Mapped[ProgrammeCode] = mapped_column(str_enum(ProgrammeCode), ForeignKey("programme.code"),
                                                          index=True)

    user: Mapped[User] = relationship(back_populates="endorser_scopes")
    province = relationship("Province")
    programme = relationship("Programme")

    __table_args__ = (UniqueConstraint("user_id", "province_id", "programme_code"),)


class CouncilMembership(Model):
    """A juror (or the chair) of one round's selection council."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    # Programme codes and fields of work (waste, climate …) the juror knows best.
    expertise: Mapped[list] = mapped_column(JSON, default=list)
    # At most this many dossiers, when set; otherwise loads are balanced.
    cap: Mapped[int | None]
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The random part of the invitation link now in force: replaced when the invitation is sent again and
    # cleared on acceptance, so an older or used link no longer matches.
    invitation_nonce: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="council_memberships")
    round = relationship("Round")

    __table_args__ = (
        UniqueConstraint("user_id", "round_id"),
        CheckConstraint("cap IS NULL OR cap >= 0", name="cap"),
    )

    @property
    def is_active(self) -> bool:
        """Accepted the invitation and not withdrawn: only then does the juror see the round."""
        return self.accepted_at is not None and self.withdrawn_at is None


class SessionEnd(enum.StrEnum):
    """Why a session ended; each end is also an audit event "auth.session_ended" with this reason."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    LIFETIME = "lifetime"
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    DISABLED = "disabled"
    ACCOUNT_DELETED = "account_deleted"
    SECOND_FACTOR_RESET = "second_factor_reset"


class UserSession(Model):
    """One signed-in browser. Its cookie carries a random token; only the token's SHA-256 is stored, so a copy
    of the database signs nobody in. A session ends once (ended_at) and never comes back: a replayed cookie
    finds it ended, on every server, since the record is in the shared database."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[SessionEnd | None] = mapped_column(str_enum(SessionEnd))
    # When this session last passed the second factor: at sign-in, then at each step-up. None: the password
    # alone was given (the session is "half signed in" if the account has or needs a second factor).
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class RecoveryCode(db.Model):
    """One of the ten single-use codes that stand in for the authenticator app. Only a salted hash is kept
    (werkzeug's, with PASSWORD_HASH_METHOD, as for passwords): the codes are shown once, when made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
