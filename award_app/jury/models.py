import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import UTCDateTime, str_enum
from award_app.extensions import Model


class Assignment(Model):
    """A juror assigned to a dossier scores each of its entries."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    pinned: Mapped[bool] = mapped_column(default=False)
    # Set by scoring when the juror first saves a sheet, and when they submit one: automatic
    # assignment keeps a started assignment, and a withdrawal keeps a submitted one.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination = relationship("Nomination")
    juror = relationship("User", foreign_keys=[juror_id])

    __table_args__ = (UniqueConstraint("nomination_id", "juror_id"),
                      Index("ix_assignment_juror_round", "juror_id", "round_id"))


class ConflictKind(enum.StrEnum):
    SAME_ORGANISATION = "same_organisation"
    SAME_PROVINCE = "same_province"
    NOMINATOR_OR_REFEREE = "nominator_or_referee"
    FAMILY = "family"
    RECENT_COLLABORATION = "recent_collaboration"  # within 5 years
    OTHER = "other"


class ConflictSource(enum.StrEnum):
    DETECTED = "detected"
    DECLARED = "declared"


class ConflictStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Conflict(Model):
    """A juror's conflict of interest with one dossier, detected from data or declared by the juror.

    Pending and confirmed conflicts keep the juror away from the dossier; a confirmed one also takes
    away their access and their score (reversibly: the secretariat can reject it later)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(str_enum(ConflictKind))
    source: Mapped[ConflictSource] = mapped_column(str_enum(ConflictSource))
    status: Mapped[ConflictStatus] = mapped_column(str_enum(ConflictStatus), default=ConflictStatus.PENDING, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    nomination = relationship("Nomination")
    juror = relationship("User", foreign_keys=[juror_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        UniqueConstraint("nomination_id", "juror_id", "kind", "source"),
        CheckConstraint("kind <> 'other' OR detail <> ''", name="other_needs_detail"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decided_at"),
    )

    @classmethod
    def sets_juror_aside(cls):
        """The SQL condition of a conflict that keeps the juror off the dossier and their sheet out of its score:
        confirmed, or declared by the juror and not decided yet. A declared conflict never changes the sheet
        itself: a submitted one stays submitted, and counts again if the secretariat rejects the conflict."""
        return (cls.status == ConflictStatus.CONFIRMED) | (
            (cls.status == ConflictStatus.PENDING) & (cls.source == ConflictSource.DECLARED))


class Declaration(Model):
    """A juror's "no conflict, except those I declared": for the whole round (nomination_id empty), or
    confirmed again for one dossier when first opening it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("round_id", "juror_id", "nomination_id"),)
