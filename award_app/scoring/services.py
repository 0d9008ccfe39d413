"""Score sheets: a draft saves at any time, a submitted sheet is locked. Never commits."""

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.errors import DomainError, InvalidTransition, RoundFrozen, StaleEdit
from award_app.extensions import db
from award_app.i18n import localized
from award_app.jury.models import Assignment
from award_app.nominations.models import Entry
from award_app.rounds.models import RoundState
from award_app.scoring.models import Score, ScoreSheet, SheetState
from award_app.text import nfc


class SheetIncomplete(DomainError):
    default_message = _l("The score sheet is not complete.")


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    points: int | None
    comment: str


def existing_sheet(entry: Entry, juror) -> ScoreSheet | None:
    return db.session.scalar(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id,
                                                      ScoreSheet.juror_id == juror.id))


def sheet_for(entry: Entry, juror) -> ScoreSheet:
    """The juror's sheet for this entry, created as an empty draft when first saved."""
    sheet = existing_sheet(entry, juror)
    if sheet is None:
        sheet = ScoreSheet(entry_id=entry.id, juror_id=juror.id, state=SheetState.DRAFT, total=0)
        for position, criterion in enumerate(entry.group.rubric.criteria, start=1):
            sheet.scores.append(Score(criterion_id=criterion.id, position=position, points=None,
                                      max_points=criterion.max_points, comment=""))
        db.session.add(sheet)
        db.session.flush()
    return sheet


def _assignment_of(sheet: ScoreSheet) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.nomination_id == sheet.entry.nomination_id,
                                                      Assignment.juror_id == sheet.juror_id))


def sheet_problems(scores: list[Score]) -> list:
    """What blocks submitting: every criterion scored; a comment for 0 or for the maximum."""
    problems = []
    for score in scores:
        name = localized(score.criterion, "name")
        if score.points is None:
            problems.append(_l("“%(criterion)s” has no score.", criterion=name))
        elif score.points in (0, score.max_points) and not score.comment.strip():
            problems.append(_l("“%(criterion)s”: explain a score of %(points)d in a comment.",
                               criterion=name, points=score.points))
    return problems


def save_sheet(sheet: ScoreSheet, inputs: list[ScoreInput], *, version: int | None, submit: bool, actor) -> None:
    round_ = sheet.entry.nomination.round
    if round_.is_frozen:
        raise RoundFrozen()
    if round_.state != RoundState.SCORING:
        raise InvalidTransition(_l("Scoring is not open for this round."))
    if sheet.state != SheetState.DRAFT:
        raise InvalidTransition(_l("This score sheet is submitted and locked."))
    if version is not None and version != sheet.version:
        raise StaleEdit()
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    changes = {}
    for given in inputs:
        score = by_criterion.get(given.criterion_id)
        if score is None:
            continue
        if given.points is not None and not 0 <= given.points <= score.max_points:
            raise InvalidTransition(_l("A score must be between 0 and %(max)d.", max=score.max_points))
        comment = nfc(given.comment or "")
        if (score.points, score.comment) != (given.points, comment):
            changes[score.criterion.code] = {"points": [score.points, given.points],
                                             "comment_changed": score.comment != comment}
            score.points, score.comment = given.points, comment
    sheet.total = sum(s.points or 0 for s in sheet.scores)
    if changes:
        sheet.updated_at = utcnow()  # the sheet's own row changes, so its version moves even for a comment alone
    assignment = _assignment_of(sheet)
    if assignment is not None and assignment.started_at is None:
        assignment.started_at = utcnow()
    if changes:
        record("score_sheet.saved", sheet, round_id=round_.id, actor=actor, entry=sheet.entry_id, total=sheet.total,
               changes=changes)
    if submit:
        problems = sheet_problems(sheet.scores)
        if problems:
            raise SheetIncomplete(problems)
        sheet.state = SheetState.SUBMITTED
        sheet.submitted_at = utcnow()
        if assignment is not None:
            assignment.submitted_at = sheet.submitted_at
        record("score_sheet.submitted", sheet, round_id=round_.id, actor=actor, entry=sheet.entry_id,
               total=sheet.total)


def reopen_sheet(sheet: ScoreSheet, reason: str, *, actor) -> None:
    """The secretariat gives a submitted sheet back to its juror, with a reason (logged)."""
    round_ = sheet.entry.nomination.round
    if round_.is_frozen:
        raise RoundFrozen()
    if sheet.state != SheetState.SUBMITTED:
        raise InvalidTransition(_l("Only a submitted sheet can be reopened."))
    reason = nfc(reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason for reopening the sheet."))
    sheet.state, sheet.submitted_at = SheetState.DRAFT, None
    assignment = _assignment_of(sheet)
    if assignment is not None:
        assignment.submitted_at = None
    record("score_sheet.reopened", sheet, round_id=round_.id, actor=actor, entry=sheet.entry_id,
           juror=sheet.juror_id, reason=reason)


def juror_order_key(juror_id: int, entry_id: int) -> str:
    """A shuffle of the dossiers that differs per juror but stays the same between visits, to reduce
    order bias (every juror would otherwise start with the same dossier)."""
    return hashlib.sha256(f"{juror_id}:{entry_id}".encode()).hexdigest()


def next_entry(juror, entries: list[Entry]) -> Entry | None:
    """The juror's unsubmitted entry that has the fewest submitted sheets, in the juror's own order."""
    if not entries:
        return None
    counts = dict(db.session.execute(select(ScoreSheet.entry_id, func.count()).where(
        ScoreSheet.entry_id.in_([e.id for e in entries]), ScoreSheet.state == SheetState.SUBMITTED)
        .group_by(ScoreSheet.entry_id)).all())
    mine = set(db.session.scalars(select(ScoreSheet.entry_id).where(
        ScoreSheet.juror_id == juror.id, ScoreSheet.state == SheetState.SUBMITTED)))
    open_entries = [e for e in entries if e.id not in mine]
    if not open_entries:
        return None
    return min(open_entries, key=lambda e: (counts.get(e.id, 0), juror_order_key(juror.id, e.id)))


def other_sheets(sheet: ScoreSheet) -> list[ScoreSheet]:
    """The other jurors' submitted sheets on the same entry (shown only as the round allows)."""
    return list(db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.entry_id == sheet.entry_id, ScoreSheet.juror_id != sheet.juror_id,
        ScoreSheet.state == SheetState.SUBMITTED).options(selectinload(ScoreSheet.scores)).order_by(ScoreSheet.id)))
