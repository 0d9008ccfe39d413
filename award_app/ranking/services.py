"""Computing a ranking run from the submitted sheets. Never commits."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, insert, select
from sqlalchemy.orm import selectinload

from award_app.audit.services import record
from award_app.errors import InvalidTransition, RoundFrozen
from award_app.extensions import db
from award_app.jury.models import Assignment, Conflict
from award_app.jury.services import council
from award_app.nominations.models import Entry, Nomination, list_deferred
from award_app.nominations.rules import COMPETING
from award_app.ranking import aggregate, quorum, statistics
from award_app.ranking.models import CouncilMeeting, RankingRow, RankingRun
from award_app.rounds.models import Criterion, RankingGroup, RankingMethod, Round, RoundState, Rubric
from award_app.scoring.models import Score, ScoreSheet, SheetState
from award_app.text import nfc

RANKING_ROUND_STATES = (RoundState.SCORING, RoundState.COUNCIL)


def _row_values(run_id: int, position: int, result: aggregate.RankedEntry, groups: dict[str, int],
                figures: dict) -> dict:
    return {
        "run_id": run_id, "position": position, "entry_id": result.entry_id, "group_id": groups[result.group],
        "rank": result.rank, "score": result.score,
        "median": aggregate.two_decimals(result.median) if result.median is not None else None,
        "juror_count": len(result.totals), "spread": result.spread, "tier_code": result.tier,
        "asean_nominee": result.asean_nominee, "flags": list(result.flags), "tie_break": result.tie_break,
        "criterion_means": {k: str(aggregate.two_decimals(v)) for k, v in result.criterion_means.items()},
        "trimmed_mean": figures["trimmed"].get(result.entry_id),
        "normalised": figures["normalised"].get(result.entry_id),
    }


def rules_of(round_: Round) -> aggregate.RankingRules:
    groups = tuple(
        aggregate.GroupRules(
            code=g.code, asean_category=g.asean_category,
            tie_break_criteria=tuple(c.code for c in sorted(
                (c for c in g.rubric.criteria if c.tie_break_rank is not None), key=lambda c: c.tie_break_rank)),
        )
        for g in round_.groups
    )
    return aggregate.RankingRules(
        groups=groups,
        tiers=tuple(aggregate.Tier(t.code, t.count_per_group, t.by_rank) for t in round_.tiers),
        quotas={q.category: q.count for q in round_.quotas},
        prize_threshold=round_.prize_threshold, asean_threshold=round_.asean_threshold,
        spread_flag=round_.spread_flag_points,
    )


@dataclass(frozen=True)
class Competitor:
    """An entry in competition, as the ranking needs it: plain values, not objects."""

    entry_id: int
    nomination_id: int
    group_code: str


def entries_in_competition(round_: Round) -> list[Competitor]:
    query = (select(Entry.id, Entry.nomination_id, RankingGroup.code).join(Nomination)
             .join(RankingGroup, RankingGroup.id == Entry.group_id)
             .where(Nomination.round_id == round_.id, Nomination.state.in_(COMPETING)).order_by(Entry.id))
    return [Competitor(*row) for row in db.session.execute(query)]


def entry_scores(round_: Round, entries: list[Competitor]) -> list[aggregate.EntryScores]:
    """Each entry's submitted sheets from the jurors assigned to its dossier, without those a conflict sets aside
    (confirmed, or declared and not decided yet), in a constant number of queries."""
    counted = (Assignment.round_id == round_.id) & ~exists().where(
        Conflict.round_id == round_.id, Conflict.sets_juror_aside(),
        Conflict.nomination_id == Assignment.nomination_id, Conflict.juror_id == Assignment.juror_id)
    expected = dict(db.session.execute(select(Assignment.nomination_id, func.count()).where(counted)
                                       .group_by(Assignment.nomination_id)).all())
    nomination_of = {e.entry_id: e.nomination_id for e in entries}
    criteria = db.session.execute(select(Criterion.id, Criterion.code).join(Rubric)
                                  .where(Rubric.round_id == round_.id).order_by(Rubric.id, Criterion.position)).all()
    # One row per sheet, a column per criterion (NULL where the sheet has no score for it): plain values, not
    # objects, and a fifth of the rows of one per score (a national round has some 125,000 scores).
    columns = [func.sum(case((Score.criterion_id == criterion_id, func.coalesce(Score.points, 0))))
               for criterion_id, _code in criteria]
    codes = [code for _criterion_id, code in criteria]
    by_entry: dict[int, list[aggregate.Sheet]] = {}
    for entry_id, juror_id, *values in db.session.execute(
            select(ScoreSheet.entry_id, ScoreSheet.juror_id, *columns)
            .join(Score, Score.sheet_id == ScoreSheet.id)
            .join(Entry, Entry.id == ScoreSheet.entry_id).join(Nomination, Nomination.id == Entry.nomination_id)
            .join(Assignment, (Assignment.nomination_id == Entry.nomination_id)
                  & (Assignment.juror_id == ScoreSheet.juror_id))
            .where(Nomination.round_id == round_.id, Nomination.state.in_(COMPETING),
                   ScoreSheet.state == SheetState.SUBMITTED, counted)
            .group_by(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.juror_id).order_by(ScoreSheet.id)):
        if entry_id in nomination_of:
            points = {code: value for code, value in zip(codes, values, strict=True) if value is not None}
            by_entry.setdefault(entry_id, []).append(aggregate.Sheet(juror_id, points))
    return [aggregate.EntryScores(e.entry_id, e.group_code, tuple(by_entry.get(e.entry_id, ())),
                                  expected.get(e.nomination_id, 0)) for e in entries]


@contextmanager
def _cycle_collector_paused():
    """A ranking makes some 200,000 small objects (rows, sheets, figures) and no reference cycles; Python's cycle
    collector would walk them again and again as they accumulate (a third of the time). Reference counting still
    frees them; the collector resumes afterwards (and stays off if someone else had turned it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute(round_: Round, *, actor) -> RankingRun:
    """Rank every entry in competition (rules.COMPETING); the dossiers stay under review until approval."""
    if round_.is_frozen:
        raise RoundFrozen()
    if round_.state not in RANKING_ROUND_STATES:
        raise InvalidTransition(_l("The ranking is computed during scoring or by the council."))
    with _cycle_collector_paused():
        entries = entries_in_competition(round_)
        scores = entry_scores(round_, entries)
        figures = council_figures(round_, scores)
        method, deciding = deciding_scores(round_, scores, figures)
        ranked = aggregate.rank_entries(scores, rules_of(round_), deciding)
    groups = {g.code: g.id for g in round_.groups}
    run = RankingRun(round_id=round_.id, method=method, computed_by_id=actor.id, parameters={
        "requested_method": round_.ranking_method.value,
        "prize_threshold": str(round_.prize_threshold), "asean_threshold": str(round_.asean_threshold),
        "spread_flag_points": round_.spread_flag_points, "tie_breaks": "criteria, median, chair",
        "trimmed_proportion": TRIMMED_PROPORTION, "offset_flag_points": str(OFFSET_FLAG_POINTS),
        **figures["parameters"], "charts": chart_figures(round_, scores)})
    db.session.add(run)
    db.session.flush()
    # Plain rows in one executemany, not 5,000 objects through the unit of work.
    if ranked:
        with _cycle_collector_paused():
            rows = [_row_values(run.id, position, result, groups, figures)
                    for position, result in enumerate(ranked, start=1)]
        db.session.execute(insert(RankingRow.__table__), rows)
    db.session.expire(run, ["rows"])
    record("ranking.computed", run, round_id=round_.id, actor=actor, entries=len(ranked))
    return run


TRIMMED_PROPORTION = 0.2
# A juror whose totals sit further than this from the other jurors' on the same entries is flagged [default].
OFFSET_FLAG_POINTS = Decimal("10")


def deciding_scores(round_: Round, scores: list[aggregate.EntryScores], figures: dict):
    """(method used, {entry: deciding score} or None for the mean). The normalised score decides only where
    it is valid; otherwise the mean does, and the run's parameters say why."""
    method = round_.ranking_method
    with_sheets = [e for e in scores if e.sheets]
    if method == RankingMethod.MEDIAN:
        return "median", {e.entry_id: aggregate.median_total([s.total for s in e.sheets]) for e in with_sheets}
    if method == RankingMethod.TRIMMED:
        return "trimmed", {e.entry_id: statistics.trimmed_mean([s.total for s in e.sheets], TRIMMED_PROPORTION)
                           for e in with_sheets}
    if method == RankingMethod.NORMALISED and figures["normalised"]:
        return "normalised", {entry_id: Fraction(value) for entry_id, value in figures["normalised"].items()}
    return "mean", None


def council_figures(round_: Round, scores: list[aggregate.EntryScores]) -> dict:
    """Trimmed means, normalised scores (where valid), juror offsets and Krippendorff's alpha."""
    trimmed = {}
    for entry in scores:
        value = statistics.trimmed_mean([s.total for s in entry.sheets], TRIMMED_PROPORTION)
        if value is not None:
            trimmed[entry.entry_id] = aggregate.two_decimals(value)
    max_total = {g.code: g.rubric.max_total for g in round_.groups}
    normalisation = statistics.normalised_scores(scores, max_total)
    criteria = sorted({c.code for g in round_.groups for c in g.rubric.criteria})
    reliability = statistics.alpha_for_round(scores, criteria)
    flagged = statistics.offset_jurors(normalisation.juror_offsets, OFFSET_FLAG_POINTS)
    return {
        "trimmed": trimmed,
        "normalised": dict(normalisation.scores) if normalisation.valid else {},
        "parameters": {
            "normalisation": {"valid": normalisation.valid, "reasons": list(normalisation.reasons)},
            "alpha": {"totals": reliability.totals, "criteria": dict(reliability.criteria)},
            "offsets": {str(j): str(v) for j, v in normalisation.juror_offsets.items()},
            "offset_jurors": sorted(flagged),
        },
    }


def latest_run(round_: Round) -> RankingRun | None:
    return db.session.scalar(select(RankingRun).where(RankingRun.round_id == round_.id)
                             .order_by(RankingRun.id.desc()).limit(1))


def run_rows(run: RankingRun, *, offset: int = 0, limit: int | None = None) -> list[RankingRow]:
    query = (select(RankingRow).where(RankingRow.run_id == run.id).order_by(RankingRow.position)
             .options(selectinload(RankingRow.entry).selectinload(Entry.nomination).options(*list_deferred())
                      .selectinload(Nomination.province),
                      selectinload(RankingRow.group).selectinload(RankingGroup.rubric).selectinload(Rubric.criteria)))
    if offset or limit is not None:
        query = query.offset(offset).limit(limit)
    return list(db.session.scalars(query))


def run_row_count(run: RankingRun) -> int:
    return db.session.scalar(select(func.count()).where(RankingRow.run_id == run.id))


def run_group_ids(run: RankingRun) -> set[int]:
    return set(db.session.scalars(select(RankingRow.group_id).where(RankingRow.run_id == run.id).distinct()))


def chart_figures(round_: Round, scores: list[aggregate.EntryScores]) -> dict:
    """What the ranking page draws, kept with the run: each juror's submitted totals, and each criterion's mean
    points as a share of its maximum."""
    totals: dict[str, list[int]] = {}
    given: dict[str, list[int]] = {}
    for entry in scores:
        for sheet in entry.sheets:
            totals.setdefault(str(sheet.juror_id), []).append(sheet.total)
            for code, points in sheet.points.items():
                given.setdefault(code, []).append(points)
    maxima = {c.code: c.max_points for g in round_.groups for c in g.rubric.criteria}
    return {"totals": totals, "criteria": {code: 100 * sum(p) / len(p) / maxima[code]
                                           for code, p in given.items() if p and maxima.get(code)}}


def latest_meeting(round_: Round) -> CouncilMeeting | None:
    return db.session.scalar(select(CouncilMeeting).where(CouncilMeeting.round_id == round_.id)
                             .order_by(CouncilMeeting.id.desc()).limit(1))


def record_meeting(round_: Round, *, held_on: date, present_ids: list[int], votes_for: int, votes_against: int,
                   minutes: str, actor) -> CouncilMeeting:
    """The chair records the council meeting on the latest ranking and submits the proposal."""
    if round_.is_frozen:
        raise RoundFrozen()
    if round_.state != RoundState.COUNCIL:
        raise InvalidTransition(_l("The council meets once the secretariat has handed the ranking over."))
    run = latest_run(round_)
    if run is None:
        raise InvalidTransition(_l("There is no ranking to propose."))
    members = [m.user_id for m in council(round_) if m.is_active]
    present = sorted(set(present_ids) & set(members))
    problems = quorum.meeting_problems(len(members), len(present), votes_for, votes_against)
    if problems:
        raise InvalidTransition([MEETING_MESSAGES[code](n) for code, n in problems])
    minutes = nfc(minutes or "").strip()
    if not minutes:
        raise InvalidTransition(_l("Write the minutes of the meeting."))
    meeting = CouncilMeeting(round_id=round_.id, ranking_run_id=run.id, held_on=held_on, present=present,
                             members=len(members), votes_for=votes_for, votes_against=votes_against, minutes=minutes,
                             recorded_by_id=actor.id)
    db.session.add(meeting)
    db.session.flush()
    record("council.meeting_recorded", meeting, round_id=round_.id, actor=actor, run=run.id, present=present,
           members=len(members), votes_for=votes_for, votes_against=votes_against)
    return meeting


MEETING_MESSAGES = {
    "no_quorum": lambda n: _l("No quorum: at least %(n)d members must be present (two thirds).", n=n),
    "too_many_votes": lambda n: _l("More votes than members present (%(n)d).", n=n),
    "not_adopted": lambda n: _l("Not adopted: at least %(n)d votes for are needed (two thirds of those present).",
                                n=n),
}
