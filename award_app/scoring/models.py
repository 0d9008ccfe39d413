import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import UTCDateTime, str_enum
from award_app.extensions import Model


class SheetState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreSheet(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    state: Mapped[SheetState] = mapped_column(str_enum(SheetState), default=SheetState.DRAFT, index=True)
    total: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    entry = relationship("Entry")
    juror = relationship("User")
    scores: Mapped[list["Score"]] = relationship(back_populates="sheet", cascade="all, delete-orphan",
                                                 order_by="Score.position")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("entry_id", "juror_id"),
        CheckConstraint("total >= 0", name="total"),
        CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_at"),
    )


class Score(Model):
    """Points for one criterion; the criterion's maximum is copied so the database can check the range."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    position: Mapped[int]
    points: Mapped[int | None]
    max_points: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion = relationship("Criterion")

    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("points IS NULL OR (points >= 0 AND points <= max_points)", name="points_in_range"),
    )
