from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.columns import NFCText, UTCDateTime, utcnow
from award_app.extensions import db


class Decision(db.Model):
    """The signed decision (Quyết định) approving a round's results: one per round."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    ranking_run_id: Mapped[int] = mapped_column(ForeignKey("ranking_run.id"))
    number: Mapped[str] = mapped_column(String(60))
    signed_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(NFCText(200))
    signer_title: Mapped[str] = mapped_column(NFCText(200))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round = relationship("Round")
    ranking_run = relationship("RankingRun")
    approved_by = relationship("User")
