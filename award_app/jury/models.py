from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.columns import UTCDateTime, utcnow
from award_app.extensions import db


class Assignment(db.Model):
    """A juror assigned to a dossier scores each of its entries."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    pinned: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination = relationship("Nomination")
    juror = relationship("User", foreign_keys=[juror_id])

    __table_args__ = (UniqueConstraint("nomination_id", "juror_id"),)
