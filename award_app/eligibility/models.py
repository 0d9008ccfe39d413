import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.columns import UTCDateTime, str_enum, utcnow
from award_app.extensions import db


class ScreeningOutcome(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


class ScreeningDecision(db.Model):
    """The secretariat's decision on a dossier, with a reason the applicant reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[ScreeningOutcome] = mapped_column(str_enum(ScreeningOutcome))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by = relationship("User")

    __table_args__ = (CheckConstraint("outcome = 'eligible' OR reason <> ''", name="ineligible_needs_reason"),)
