"""Reference data, and setting up rounds: create from defaults, copy, edit while draft, advance."""

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from importlib import resources

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from award_app.audit.services import record
from award_app.errors import InvalidTransition, RoundNotEditable, StaleEdit
from award_app.extensions import db
from award_app.rounds import defaults
from award_app.rounds.models import (
    AseanQuota,
    CalendarDay,
    CalendarDayKind,
    ChecklistItem,
    Criterion,
    Indicator,
    PrizeTier,
    Programme,
    ProgrammeCode,
    Province,
    RankingGroup,
    Round,
    RoundState,
    Rubric,
)
from award_app.rounds.rules import calendar_day_problem, opening_problems
from award_app.text import fold, nfc

ROUND_SETTINGS = (
    "theme_vi", "theme_en", "organiser_name", "founding_decision", "blind", "endorsement_required",
    "opens_at", "closes_at", "scoring_deadline", "council_meeting_on", "jurors_per_nomination",
    "prize_threshold", "asean_threshold", "spread_flag_points", "score_visibility",
    "hide_juror_names_in_exports", "retention_years", "ranking_method",
)


# -- reference data -------------------------------------------------------------------------

def seed_programmes() -> int:
    changed = 0
    for data in defaults.PROGRAMMES:
        programme = db.session.get(Programme, ProgrammeCode(str(data["code"]))) or Programme(code=data["code"])
        values = {key: data[key] for key in ("position", "ref_prefix", "name_vi", "name_en", "defaults")}
        if any(getattr(programme, key, None) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(programme, key, value)
            db.session.add(programme)
            changed += 1
    return changed


def _parse_day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def seed_provinces() -> int:
    with resources.files("award_app.data").joinpath("provinces.csv").open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    existing = {p.id: p for p in db.session.scalars(select(Province))}
    # Successors first, so the foreign key is satisfied on every database.
    rows.sort(key=lambda r: bool(r["successor_id"]))
    changed = 0
    for row in rows:
        province = existing.get(row["id"]) or Province(id=row["id"])
        values = {
            "name": row["name"], "kind": row["kind"], "valid_from": _parse_day(row["valid_from"]),
            "valid_to": _parse_day(row["valid_to"]), "successor_id": row["successor_id"] or None,
        }
        if any(getattr(province, k, None) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(province, key, value)
            db.session.add(province)
            db.session.flush()
            changed += 1
    return changed


def seed_calendar() -> int:
    known = set(db.session.scalars(select(CalendarDay.day)))
    added = 0
    for day_text, kind, name_vi, name_en in defaults.CALENDAR:
        day = date.fromisoformat(day_text)
        if day not in known:
            db.session.add(CalendarDay(day=day, kind=CalendarDayKind(kind), name_vi=name_vi, name_en=name_en))
            added += 1
    return added


def seed_reference_data() -> dict[str, int]:
    """Idempotent: a second run changes nothing."""
    counts = {"programmes": seed_programmes(), "provinces": seed_provinces(), "calendar": seed_calendar()}
    db.session.flush()
    return counts


def provinces_valid_on(day: date) -> list[Province]:
    query = select(Province).where(
        (Province.valid_from.is_(None)) | (Province.valid_from <= day),
        (Province.valid_to.is_(None)) | (Province.valid_to >= day),
    )
    return sorted(db.session.scalars(query), key=lambda p: (fold(p.name), p.name))


# -- creating rounds ------------------------------------------------------------------------

def _build_structure(round_: Round, structure: dict) -> None:
    rubrics = {}
    for data in structure["rubrics"]:
        rubric = Rubric(code=data["code"], name_vi=data["name_vi"], name_en=data["name_en"])
        for position, c in enumerate(data["criteria"], start=1):
            rubric.criteria.append(Criterion(
                position=position, code=c["code"], name_vi=c["name_vi"], name_en=c["name_en"],
                description_vi=c.get("description_vi", ""), description_en=c.get("description_en", ""),
                max_points=c["max_points"], tie_break_rank=c.get("tie_break_rank", position),
            ))
        round_.rubrics.append(rubric)
        rubrics[rubric.code] = rubric
    for position, g in enumerate(structure["groups"], start=1):
        round_.groups.append(RankingGroup(
            code=g["code"], position=position, name_vi=g["name_vi"], name_en=g["name_en"],
            rubric=rubrics[g["rubric"]], asean_category=g["asean_category"],
        ))
    for q in structure["quotas"]:
        round_.quotas.append(AseanQuota(**{k: q[k] for k in ("category", "name_vi", "name_en", "count")}))
    for position, t in enumerate(structure["tiers"], start=1):
        round_.tiers.append(PrizeTier(
            code=t["code"], position=position, name_vi=t["name_vi"], name_en=t["name_en"],
            count_per_group=t["count_per_group"], by_rank=t.get("by_rank", True),
        ))
    for position, i in enumerate(structure["checklist"], start=1):
        round_.checklist.append(ChecklistItem(position=position, **i))
    for position, i in enumerate(structure.get("indicators", []), start=1):
        round_.indicators.append(Indicator(position=position, **i))


def _structure_of(round_: Round) -> dict:
    """A round's rubric, groups, quotas, tiers and checklist in the shape of the defaults."""
    return {
        "rubrics": [
            {"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en, "criteria": [
                {"code": c.code, "name_vi": c.name_vi, "name_en": c.name_en, "max_points": c.max_points,
                 "description_vi": c.description_vi, "description_en": c.description_en,
                 "tie_break_rank": c.tie_break_rank}
                for c in r.criteria
            ]}
            for r in round_.rubrics
        ],
        "groups": [
            {"code": g.code, "name_vi": g.name_vi, "name_en": g.name_en, "rubric": g.rubric.code,
             "asean_category": g.asean_category}
            for g in round_.groups
        ],
        "quotas": [
            {"category": q.category, "name_vi": q.name_vi, "name_en": q.name_en, "count": q.count}
            for q in round_.quotas
        ],
        "tiers": [
            {"code": t.code, "name_vi": t.name_vi, "name_en": t.name_en, "count_per_group": t.count_per_group,
             "by_rank": t.by_rank}
            for t in round_.tiers
        ],
        "checklist": [
            {k: getattr(i, k) for k in ("code", "name_vi", "name_en", "accepted", "required", "min_count",
                                        "max_count", "identifying", "per_criterion")}
            for i in round_.checklist
        ],
        "indicators": [
            {k: getattr(i, k) for k in ("outcome", "name_vi", "name_en", "unit")} for i in round_.indicators
        ],
    }


def next_edition(programme: Programme) -> int:
    editions = [r.edition for r in programme.rounds]
    return max(editions, default=0) + 1


def next_year(programme: Programme, this_year: int) -> int:
    """The year after the programme's latest round, and never before this year."""
    return max([r.year + 1 for r in programme.rounds] + [this_year])


def create_round(programme: Programme, *, edition: int, year: int, actor=None,
                 organiser_name: str = defaults.ORGANISER_SINCE_2025_03) -> Round:
    """A new draft round built from the programme's defaults."""
    preset = programme.defaults
    round_ = Round(
        programme=programme, edition=edition, year=year, organiser_name=organiser_name,
        state=RoundState.DRAFT, blind=preset["blind"], endorsement_required=preset["endorsement_required"],
        prize_threshold=Decimal(preset["prize_threshold"]), asean_threshold=Decimal(preset["asean_threshold"]),
        spread_flag_points=preset["spread_flag_points"],
    )
    _build_structure(round_, preset)
    db.session.add(round_)
    db.session.flush()
    record("round.created", round_, round_id=round_.id, actor=actor, programme=programme.code,
           edition=edition, year=year)
    return round_


def copy_round(source: Round, *, edition: int, year: int, actor=None) -> Round:
    """A new draft round with the source's settings and structure; dates are left for the new call."""
    structure = _structure_of(source)
    copy = Round(programme=source.programme, edition=edition, year=year, state=RoundState.DRAFT,
                 copied_from_id=source.id)
    for key in ROUND_SETTINGS:
        if key not in ("opens_at", "closes_at", "scoring_deadline", "council_meeting_on"):
            setattr(copy, key, getattr(source, key))
    _build_structure(copy, structure)
    db.session.add(copy)
    db.session.flush()
    record("round.copied", copy, round_id=copy.id, actor=actor, source_round=source.id, edition=edition,
           year=year)
    return copy


# -- editing a draft ------------------------------------------------------------------------

def _require_draft(round_: Round, version: int | None) -> None:
    if not round_.is_editable:
        raise RoundNotEditable()
    if version is not None and version != round_.version:
        raise StaleEdit()


def _apply(target, values: dict) -> dict:
    """Set the attributes that differ; return {name: [old, new]} for the audit log."""
    changes = {}
    for key, value in values.items():
        old = getattr(target, key)
        if old != value:
            changes[key] = [old, value]
            setattr(target, key, value)
    return changes


def update_round_settings(round_: Round, values: dict, *, version: int | None, actor=None) -> dict:
    _require_draft(round_, version)
    unknown = set(values) - set(ROUND_SETTINGS)
    if unknown:
        raise ValueError(f"not a round setting: {sorted(unknown)}")
    if round_.programme_code == ProgrammeCode.CITY:
        values["blind"] = False  # cities cannot be anonymous
    changes = _apply(round_, values)
    if changes:
        record("round.settings_changed", round_, round_id=round_.id, actor=actor, changes=changes)
    return changes


def _touch(round_: Round) -> None:
    """Raise the round's version when a part of it (rubric, tiers, groups) changes."""
    round_.rubric_version = str(int(round_.rubric_version) + 1)


def update_criteria(round_: Round, rubric: Rubric, rows: Iterable[dict], *, version: int | None, actor=None) -> dict:
    """Rows carry `id` for an existing criterion (or None for a new one) and `delete` to remove it."""
    _require_draft(round_, version)
    by_id: dict[int | None, Criterion] = {c.id: c for c in rubric.criteria}
    changes: dict = {}
    position = 0
    for row in rows:
        criterion = by_id.get(row.get("id"))
        if row.get("delete"):
            if criterion is not None:
                rubric.criteria.remove(criterion)
                changes[criterion.code] = "deleted"
            continue
        position += 1
        values = {k: row.get(k) or "" for k in ("name_vi", "name_en", "description_vi", "description_en")}
        values["max_points"] = row["max_points"]
        values["position"] = position
        if criterion is None:
            criterion = Criterion(code=_new_code(row["name_en"], {c.code for c in rubric.criteria}),
                                  tie_break_rank=position, **values)
            rubric.criteria.append(criterion)
            changes[criterion.code] = "added"
        else:
            diff = _apply(criterion, values)
            if diff:
                changes[criterion.code] = diff
    if changes:
        _touch(round_)
        record("round.rubric_changed", rubric, round_id=round_.id, actor=actor, rubric=rubric.code,
               changes=changes)
    return changes


def _new_code(name: str, taken: set[str]) -> str:
    base = "_".join(fold(name).split())[:30] or "criterion"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def update_named_rows(round_: Round, rows_by_id: dict[int | None, dict], items: Iterable, *, what: str,
                      version: int | None, actor=None) -> dict:
    """Edit groups, tiers or quotas in place: `rows_by_id` maps each row id to its new values."""
    _require_draft(round_, version)
    changes = {}
    for item in items:
        if item.id in rows_by_id:
            diff = _apply(item, rows_by_id[item.id])
            if diff:
                changes[getattr(item, "code", None) or item.category] = diff
    if changes:
        _touch(round_)
        record(f"round.{what}_changed", round_, round_id=round_.id, actor=actor, changes=changes)
    return changes


# -- the round's life -----------------------------------------------------------------------

def advance_round(round_: Round, to_state: RoundState, *, actor=None) -> None:
    """Move the round one step along draft → open → closed → screening → scoring → council.

    Approval and publication belong to the approval stage and are refused here.
    """
    if to_state not in round_.next_states or to_state in (RoundState.APPROVED, RoundState.PUBLISHED):
        raise InvalidTransition()
    if to_state == RoundState.OPEN:
        problems = opening_problems(round_)
        if problems:
            raise InvalidTransition(problems)
    old = round_.state
    round_.state = to_state
    record("round.state_changed", round_, round_id=round_.id, actor=actor, old=old, new=to_state)


# -- the working-day calendar ---------------------------------------------------------------

def calendar_year(year: int) -> list[CalendarDay]:
    query = select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
    return list(db.session.scalars(query.order_by(CalendarDay.day)))


def add_calendar_day(day: date, kind: CalendarDayKind, name_vi: str, name_en: str, *, actor=None) -> CalendarDay:
    existing = db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    problem = calendar_day_problem(day, kind, already_listed=existing is not None)
    if problem:
        raise InvalidTransition(problem)
    entry = CalendarDay(day=day, kind=kind, name_vi=name_vi, name_en=name_en)
    db.session.add(entry)
    db.session.flush()
    record("calendar.day_added", entry, actor=actor, day=day, kind=kind, name_vi=name_vi)
    return entry


def remove_calendar_day(entry: CalendarDay, *, actor=None) -> None:
    record("calendar.day_removed", entry, actor=actor, day=entry.day, kind=entry.kind, name_vi=entry.name_vi)
    db.session.delete(entry)


# -- the indicator catalogue of city rounds -----------------------------------------------------

def add_indicator(round_: Round, outcome: str, name_vi: str, name_en: str, unit: str, *, actor=None) -> Indicator:
    if round_.is_frozen:
        raise RoundNotEditable()
    position = 1 + max((i.position for i in round_.indicators if i.outcome == outcome), default=0)
    indicator = Indicator(outcome=outcome, position=position, name_vi=nfc(name_vi), name_en=nfc(name_en),
                          unit=nfc(unit))
    round_.indicators.append(indicator)
    db.session.flush()
    record("round.indicator_added", indicator, round_id=round_.id, actor=actor, outcome=outcome, name=indicator.name_vi)
    return indicator


def remove_indicator(round_: Round, indicator: Indicator, *, actor=None) -> None:
    """Refused when a dossier reports it: the database's foreign key decides, in a savepoint."""
    if round_.is_frozen:
        raise RoundNotEditable()
    try:
        with db.session.begin_nested():
            db.session.delete(indicator)
            db.session.flush()
    except IntegrityError as error:
        raise InvalidTransition(_l("Dossiers already report this indicator; it cannot be removed.")) from error
    record("round.indicator_removed", None, round_id=round_.id, actor=actor, indicator=indicator.id,
           name=indicator.name_vi)
