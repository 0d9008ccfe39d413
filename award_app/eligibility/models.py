import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import UTCDateTime, str_enum
from award_app.extensions import Model
from award_app.nominations.models import NominationState


class ScreeningOutcome(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


class ScreeningDecision(Model):
    """The secretariat's decision on a dossier, with a reason the applicant reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[ScreeningOutcome] = mapped_column(str_enum(ScreeningOutcome))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by = relationship("User")

    __table_args__ = (CheckConstraint("outcome = 'eligible' OR reason <> ''", name="ineligible_needs_reason"),)


class DocumentRequest(Model):
    """The secretariat asks for specific documents; the applicant has 15 working days."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    # where the dossier goes back to when the documents come (submitted, or endorsed)
    state_before: Mapped[NominationState] = mapped_column(str_enum(NominationState))
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User")

    __table_args__ = (CheckConstraint("message <> ''", name="message"),)
