"""A ranking run: the proposal computed from the submitted sheets, kept as it was computed."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import UTCDateTime
from award_app.extensions import Model


class RankingRun(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    method: Mapped[str] = mapped_column(String(40), default="mean")
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rows: Mapped[list["RankingRow"]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                    order_by="RankingRow.position")
    computed_by = relationship("User")


class RankingRow(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ranking_run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("ranking_group.id"), index=True)
    rank: Mapped[int | None]
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    median: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    trimmed_mean: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # Per-juror z-score normalisation on 0–100; empty when not valid (the run's parameters say why).
    normalised: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    juror_count: Mapped[int]
    spread: Mapped[int | None]
    tier_code: Mapped[str | None] = mapped_column(String(40))
    asean_nominee: Mapped[bool] = mapped_column(default=False)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    tie_break: Mapped[str | None] = mapped_column(String(60))
    criterion_means: Mapped[dict] = mapped_column(JSON, default=dict)

    run: Mapped[RankingRun] = relationship(back_populates="rows")
    entry = relationship("Entry")
    group = relationship("RankingGroup")


class CouncilMeeting(Model):
    """The council's meeting on a ranking: who was present, the vote, the minutes (biên bản)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    ranking_run_id: Mapped[int] = mapped_column(ForeignKey("ranking_run.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    present: Mapped[list] = mapped_column(JSON, default=list)
    members: Mapped[int]
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    minutes: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The approver may send the proposal back to the council, with a reason.
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")

    ranking_run = relationship("RankingRun")
    recorded_by = relationship("User")

    __table_args__ = (
        CheckConstraint("votes_for >= 0 AND votes_against >= 0", name="votes"),
        CheckConstraint("minutes <> ''", name="minutes"),
    )
