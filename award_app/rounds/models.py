"""Programmes, provinces, the working-day calendar, and rounds with their rubric, groups and quotas."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import NFCText, UTCDateTime, str_enum
from award_app.extensions import Model


class ProgrammeCode(enum.StrEnum):
    ECO_SCHOOL = "eco_school"
    YOUTH = "youth"
    CITY = "city"


class RoundState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SCREENING = "screening"
    SCORING = "scoring"
    COUNCIL = "council"
    APPROVED = "approved"
    PUBLISHED = "published"


# Forward transitions of a round, in the rule book's order; approval has its own stage.
ROUND_TRANSITIONS: dict[RoundState, tuple[RoundState, ...]] = {
    RoundState.DRAFT: (RoundState.OPEN,),
    RoundState.OPEN: (RoundState.CLOSED,),
    RoundState.CLOSED: (RoundState.SCREENING,),
    RoundState.SCREENING: (RoundState.SCORING,),
    RoundState.SCORING: (RoundState.COUNCIL,),
    RoundState.COUNCIL: (RoundState.APPROVED,),
    RoundState.APPROVED: (RoundState.PUBLISHED,),
    RoundState.PUBLISHED: (),
}
FROZEN_STATES = frozenset({RoundState.APPROVED, RoundState.PUBLISHED})


class RankingMethod(enum.StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED = "trimmed"
    NORMALISED = "normalised"


class ScoreVisibility(enum.StrEnum):
    AFTER_OWN = "after_own"
    NEVER = "never"


class Programme(Model):
    code: Mapped[ProgrammeCode] = mapped_column(str_enum(ProgrammeCode), primary_key=True)
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))
    ref_prefix: Mapped[str] = mapped_column(String(4), unique=True)
    # The rule book's defaults (groups, rubrics, checklist, tiers, quotas, thresholds) that a new
    # round is built from; seeded by `flask seed` from rounds/defaults.py.
    defaults: Mapped[dict] = mapped_column(JSON)

    rounds: Mapped[list["Round"]] = relationship(back_populates="programme", order_by="Round.edition.desc()")


class ProvinceKind(enum.StrEnum):
    PROVINCE = "tỉnh"
    CITY = "thành phố"


class Province(Model):
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(NFCText(100))
    kind: Mapped[ProvinceKind] = mapped_column(str_enum(ProvinceKind, 16))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[str | None] = mapped_column(ForeignKey("province.id"), index=True)

    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="validity"),
    )

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class CalendarDayKind(enum.StrEnum):
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


class CalendarDay(Model):
    """A public holiday, or a Saturday that becomes a working day (ngày làm bù)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[CalendarDayKind] = mapped_column(str_enum(CalendarDayKind))
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))


class Round(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[ProgrammeCode] = mapped_column(
        str_enum(ProgrammeCode), ForeignKey("programme.code"), index=True
    )
    edition: Mapped[int]
    year: Mapped[int]
    theme_vi: Mapped[str] = mapped_column(NFCText(300), default="")
    theme_en: Mapped[str] = mapped_column(NFCText(300), default="")
    organiser_name: Mapped[str] = mapped_column(NFCText(200))
    founding_decision: Mapped[str] = mapped_column(NFCText(200), default="")
    state: Mapped[RoundState] = mapped_column(str_enum(RoundState), default=RoundState.DRAFT, index=True)
    blind: Mapped[bool] = mapped_column(default=False)
    endorsement_required: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scoring_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    council_meeting_on: Mapped[date | None] = mapped_column(Date)
    jurors_per_nomination: Mapped[int] = mapped_column(default=3)
    prize_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("50"))
    asean_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("70"))
    spread_flag_points: Mapped[int] = mapped_column(default=20)
    score_visibility: Mapped[ScoreVisibility] = mapped_column(
        str_enum(ScoreVisibility), default=ScoreVisibility.AFTER_OWN
    )
    hide_juror_names_in_exports: Mapped[bool] = mapped_column(default=False)
    retention_years: Mapped[int] = mapped_column(default=5)
    rubric_version: Mapped[str] = mapped_column(String(40), default="1")
    # Which score decides the ranking (the rule book's default: the mean of the jurors' totals).
    ranking_method: Mapped[RankingMethod] = mapped_column(str_enum(RankingMethod), default=RankingMethod.MEAN,
                                                          server_default=RankingMethod.MEAN.value)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship(back_populates="rounds")
    groups: Mapped[list["RankingGroup"]] = relationship(
        back_populates="round", order_by="RankingGroup.position", cascade="all, delete-orphan"
    )
    rubrics: Mapped[list["Rubric"]] = relationship(
        back_populates="round", order_by="Rubric.id", cascade="all, delete-orphan"
    )
    tiers: Mapped[list["PrizeTier"]] = relationship(
        back_populates="round", order_by="PrizeTier.position", cascade="all, delete-orphan"
    )
    quotas: Mapped[list["AseanQuota"]] = relationship(
        back_populates="round", order_by="AseanQuota.id", cascade="all, delete-orphan"
    )
    checklist: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="round", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="round", order_by="(Indicator.outcome, Indicator.position)", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("programme_code", "edition"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="call_dates"),
        CheckConstraint("jurors_per_nomination BETWEEN 1 AND 15", name="jurors_per_nomination"),
        CheckConstraint("prize_threshold BETWEEN 0 AND 100", name="prize_threshold"),
        CheckConstraint("asean_threshold BETWEEN 0 AND 100", name="asean_threshold"),
        CheckConstraint("spread_flag_points BETWEEN 0 AND 100", name="spread_flag_points"),
        CheckConstraint("retention_years BETWEEN 1 AND 50", name="retention_years"),
        CheckConstraint("edition >= 1", name="edition"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )

    @property
    def is_frozen(self) -> bool:
        """Approved results may not change: no score, nomination, assignment or ranking."""
        return self.state in FROZEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.state == RoundState.DRAFT

    @property
    def next_states(self) -> tuple[RoundState, ...]:
        return ROUND_TRANSITIONS[self.state]

    def title(self, locale: str) -> str:
        name = self.programme.name_en if locale == "en" else self.programme.name_vi
        return f"{name} {self.year} ({self.edition})"


class Rubric(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))

    round: Mapped[Round] = relationship(back_populates="rubrics")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="rubric", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("round_id", "code"),)

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria)


class Criterion(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(NFCText(300))
    name_en: Mapped[str] = mapped_column(NFCText(300))
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int]
    # Order among the tie-break criteria (1 first); seeded in rubric order.
    tie_break_rank: Mapped[int | None]

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    __table_args__ = (
        UniqueConstraint("rubric_id", "code"),
        CheckConstraint("max_points BETWEEN 1 AND 100", name="max_points"),
        CheckConstraint("tie_break_rank IS NULL OR tie_break_rank >= 1", name="tie_break_rank"),
    )


class RankingGroup(Model):
    """Where entries compete: a school level, a youth age category, the ESC Award or a CoR
    category × size class."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"), index=True)
    asean_category: Mapped[str] = mapped_column(String(60))

    round: Mapped[Round] = relationship(back_populates="groups")
    rubric: Mapped[Rubric] = relationship()

    __table_args__ = (UniqueConstraint("round_id", "code"),)


class AseanQuota(Model):
    """How many nominees Viet Nam may put forward to ASEAN in one category."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(60))
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))
    count: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="quotas")

    __table_args__ = (
        UniqueConstraint("round_id", "category"),
        CheckConstraint("count >= 0", name="count"),
    )


class PrizeTier(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(NFCText(100))
    name_en: Mapped[str] = mapped_column(NFCText(100))
    count_per_group: Mapped[int]
    # False for a prize the council gives by its own choice (the Sáng tạo prize), not by rank.
    by_rank: Mapped[bool] = mapped_column(default=True)

    round: Mapped[Round] = relationship(back_populates="tiers")

    __table_args__ = (
        UniqueConstraint("round_id", "code"),
        CheckConstraint("count_per_group BETWEEN 0 AND 200", name="count_per_group"),
    )


class ChecklistItem(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))
    required: Mapped[bool] = mapped_column(default=True)
    min_count: Mapped[int] = mapped_column(default=1)
    max_count: Mapped[int | None]
    # Comma-separated kinds: pdf, jpeg, png, docx, link.
    accepted: Mapped[str] = mapped_column(String(60))
    # Withheld from jurors in blind rounds: the items that name the nominee, nominator or referees (the
    # nomination or registration form, CV, profile photo, reference letters, publications).
    identifying: Mapped[bool] = mapped_column(default=False)
    per_criterion: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="checklist")

    __table_args__ = (
        UniqueConstraint("round_id", "code"),
        CheckConstraint("min_count >= 0", name="min_count"),
        CheckConstraint("max_count IS NULL OR max_count >= min_count", name="max_count"),
    )

    @property
    def accepted_kinds(self) -> list[str]:
        return [k for k in self.accepted.split(",") if k]


class Indicator(Model):
    """An indicator of the round's catalogue for city entries, grouped by outcome (esc, clean_air …)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(NFCText(300))
    name_en: Mapped[str] = mapped_column(NFCText(300))
    unit: Mapped[str] = mapped_column(NFCText(40))

    round: Mapped[Round] = relationship(back_populates="indicators")


class HonouredName(Model):
    """A school already honoured as an ASEAN Eco-school, or a young person with another ASEAN youth
    environment award: a dossier with a similar name is flagged, not refused. A winner recorded from ASEAN's
    result `refuses`: a dossier about the same school or person (`identity`, nominations.rules.honoured_identity)
    cannot be submitted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[ProgrammeCode] = mapped_column(str_enum(ProgrammeCode), ForeignKey("programme.code"))
    name: Mapped[str] = mapped_column(NFCText(300))
    detail: Mapped[str] = mapped_column(NFCText(300), default="")
    year: Mapped[int | None]
    refuses: Mapped[bool] = mapped_column(default=False, server_default=false())
    identity: Mapped[str] = mapped_column(String(400), default="", server_default="", index=True)

    __table_args__ = (UniqueConstraint("programme_code", "name", "year"),)
