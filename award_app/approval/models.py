from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import NFCText, UTCDateTime
from award_app.extensions import Model


class Decision(Model):
    """The signed decision (Quyết định) approving a round's results: one per round."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    ranking_run_id: Mapped[int] = mapped_column(ForeignKey("ranking_run.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    signed_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(NFCText(200))
    signer_title: Mapped[str] = mapped_column(NFCText(200))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The decision signed on paper, scanned and uploaded afterwards (stored by its SHA-256).
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_name: Mapped[str | None] = mapped_column(NFCText(255))

    round = relationship("Round")
    ranking_run = relationship("RankingRun")
    approved_by = relationship("User")


class Revocation(Model):
    """An award taken back when a dossier proves false (Law on Emulation and Commendation 06/2022/QH15,
    chapter VII): a new logged event; the award shows as revoked everywhere it appears."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    decision_reference: Mapped[str] = mapped_column(NFCText(100))
    revoked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry = relationship("Entry")
    revoked_by = relationship("User")

    __table_args__ = (CheckConstraint("reason <> '' AND decision_reference <> ''", name="reason_and_decision"),)
