"""Rows for the exports, from the frozen snapshot: the ranking the decision approved (or, for the
minutes and the draft decision, the proposal the council adopted)."""

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.accounts.models import User
from award_app.approval.models import Decision
from award_app.audit.models import AuditEvent
from award_app.audit.services import record
from award_app.extensions import db
from award_app.i18n import localized
from award_app.jury.models import Conflict
from award_app.jury.services import council, set_aside_pairs
from award_app.nominations.models import Entry, Nomination, list_deferred
from award_app.ranking.models import RankingRow, RankingRun
from award_app.rounds.models import Criterion
from award_app.scoring.models import Score, ScoreSheet, SheetState


def results_header() -> list[str]:
    return [_("Ranking group"), _("Rank"), _("Reference"), _("Nominee"), _("Province"), _("Final score"),
            _("Method"), _("Prize"), _("ASEAN nominee"), _("ASEAN's result"), _("Revoked")]


def _result_rows(run: RankingRun) -> list[RankingRow]:
    """The run's rows with what the results sheet shows, revocations included, in a constant number of queries."""
    return list(db.session.scalars(
        select(RankingRow).where(RankingRow.run_id == run.id).order_by(RankingRow.position).options(
            selectinload(RankingRow.entry).options(
                selectinload(Entry.nomination).options(*list_deferred()).selectinload(Nomination.province),
                selectinload(Entry.revocation), selectinload(Entry.asean_result)),
            selectinload(RankingRow.group))))


def results_rows(decision: Decision) -> list[list]:
    tiers = {t.code: t for t in decision.round.tiers}
    rows = []
    for row in _result_rows(decision.ranking_run):
        nomination = row.entry.nomination
        rows.append([
            localized(row.group, "name"), row.rank, nomination.reference, nomination.display_name,
            nomination.province.name if nomination.province else "",
            float(row.score) if row.score is not None else None, decision.ranking_run.method,
            localized(tiers[row.tier_code], "name") if row.tier_code else "", _("yes") if row.asean_nominee else "",
            _asean_result(row.entry.asean_result),
            row.entry.revocation.decision_reference if row.entry.revocation else "",
        ])
    return rows


def _asean_result(result) -> str:
    """ASEAN's result as the results sheet shows it: "ASEAN award (meeting, reference)"."""
    return f"{result.description} ({result.meeting}, {result.reference})" if result else ""


def round_criteria(round_) -> list[Criterion]:
    """Every criterion of the round's rubrics, in rubric and sheet order: one column each."""
    return [criterion for rubric in round_.rubrics for criterion in rubric.criteria]


def criterion_header(criteria: list[Criterion]) -> list[str]:
    return [f"{localized(criterion, 'name')} (/{criterion.max_points})" for criterion in criteria]


def criterion_means_header(criteria: list[Criterion]) -> list[str]:
    return [_("Reference"), _("Ranking group"), *criterion_header(criteria)]


def criterion_rows(round_, run: RankingRun, criteria: list[Criterion]) -> Iterator[list]:
    """One row per entry, its criterion means in the criteria's columns (blank where its rubric has none)."""
    groups = {group.id: group for group in round_.groups}
    rubric_codes = {group.id: {c.code: c.id for c in group.rubric.criteria} for group in round_.groups}
    query = (select(Nomination.reference, RankingRow.group_id, RankingRow.criterion_means)
             .join(Entry, Entry.id == RankingRow.entry_id).join(Nomination, Nomination.id == Entry.nomination_id)
             .where(RankingRow.run_id == run.id).order_by(RankingRow.position))
    for reference, group_id, means in db.session.execute(query):
        by_criterion = {rubric_codes[group_id].get(code): value for code, value in (means or {}).items()}
        yield [reference, localized(groups[group_id], "name"),
               *(float(by_criterion[c.id]) if by_criterion.get(c.id) is not None else None for c in criteria)]


def juror_labels(round_) -> dict[int, str]:
    """Jurors' names, or codes (GK01 …) when the round hides them in exports."""
    members = sorted({m.user_id for m in council(round_)} | set(db.session.scalars(
        select(ScoreSheet.juror_id).join(Entry).where(Entry.nomination.has(round_id=round_.id)))))
    if round_.hide_juror_names_in_exports:
        return {user_id: f"GK{index:02d}" for index, user_id in enumerate(members, start=1)}
    names = {u.id: u.full_name for u in db.session.scalars(select(User).where(User.id.in_(members)))}
    return {user_id: names.get(user_id, str(user_id)) for user_id in members}


def score_matrix_header(criteria: list[Criterion]) -> list[str]:
    return [_("Juror"), _("Reference"), *criterion_header(criteria), _("Sheet total"), _("Counted")]


def score_matrix_rows(round_, run: RankingRun, labels: dict[int, str], criteria: list[Criterion]) -> Iterator[list]:
    """One row per submitted sheet (entry × juror), its points in the criteria's columns; a sheet a conflict sets
    aside (as in the ranking) is marked. Streamed from one plain query: a national round has some 25,000 sheets and
    125,000 scores."""
    excluded = set_aside_pairs(round_)
    counted, not_counted = _("yes"), _("no: conflict")
    column = {criterion.id: index for index, criterion in enumerate(criteria, start=2)}
    query = (select(ScoreSheet.id, ScoreSheet.juror_id, Nomination.id, Nomination.reference, ScoreSheet.total,
                    Score.criterion_id, Score.points)
             .join(Score, Score.sheet_id == ScoreSheet.id)
             .join(Entry, Entry.id == ScoreSheet.entry_id).join(Nomination, Nomination.id == Entry.nomination_id)
             .join(RankingRow, RankingRow.entry_id == ScoreSheet.entry_id)
             .where(RankingRow.run_id == run.id, ScoreSheet.state == SheetState.SUBMITTED)
             .order_by(ScoreSheet.entry_id, ScoreSheet.juror_id, Score.position))
    row, current = None, None
    for sheet_id, juror_id, nomination_id, reference, total, criterion_id, points in db.session.execute(query):
        if sheet_id != current:
            if row is not None:
                yield row
            current = sheet_id
            row = [labels.get(juror_id, str(juror_id)), reference, *([None] * len(criteria)), total,
                   not_counted if (nomination_id, juror_id) in excluded else counted]
        if criterion_id in column:
            row[column[criterion_id]] = points
    if row is not None:
        yield row


def conflict_rows(round_, labels: dict[int, str]) -> list[list]:
    conflicts = db.session.scalars(select(Conflict).where(Conflict.round_id == round_.id).options(
        selectinload(Conflict.nomination)).order_by(Conflict.id))
    return [[labels.get(c.juror_id, str(c.juror_id)), c.nomination.reference, c.kind.value, c.source.value,
             c.status.value, c.decision_reason] for c in conflicts]


def timeline_rows(round_) -> list[list]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id).order_by(AuditEvent.id))
    return [[e.at.strftime("%Y-%m-%d %H:%M:%S UTC"), e.action, e.object_type or "", e.object_id or ""]
            for e in events]


def record_export(round_id: int, kind: str, actor) -> None:
    record("export.downloaded", round_id=round_id, actor=actor, kind=kind)
