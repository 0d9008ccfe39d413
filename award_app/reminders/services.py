"""Daily reminders: jurors whose score sheets are not all submitted, 3 days and 1 day before the round's
scoring deadline; applicants with an open document request, 3 working days and 1 working day before
their 15 working days run out. One digest e-mail per person per day, in their language."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from award_app.accounts.models import User
from award_app.audit.services import record
from award_app.clock import day_in_vietnam
from award_app.eligibility import workdays
from award_app.eligibility.models import DocumentRequest
from award_app.eligibility.services import calendar_between
from award_app.extensions import db
from award_app.jobs.tasks import task
from award_app.jury.models import Assignment
from award_app.jury.services import blocking_pairs, council
from award_app.nominations.models import Entry, Nomination, NominationState
from award_app.notifications import services as notifications
from award_app.reminders.models import ReminderDigest
from award_app.rounds.models import Round, RoundState
from award_app.scoring.models import ScoreSheet, SheetState

DAYS_BEFORE_SCORING_DEADLINE = (3, 1)
WORKING_DAYS_BEFORE_DOCUMENTS_DUE = (3, 1)


@dataclass
class ScoringReminder:
    round: Round
    unfinished: int


@dataclass
class DocumentsReminder:
    nomination: Nomination
    due_on: date
    working_days_left: int


@dataclass
class Digest:
    scoring: list[ScoringReminder] = field(default_factory=list)
    documents: list[DocumentsReminder] = field(default_factory=list)


def _unfinished_by_juror(round_: Round) -> dict[int, int]:
    """Entries each active, unconflicted juror of the round has not submitted a sheet for."""
    active = {m.user_id for m in council(round_) if m.withdrawn_at is None}
    blocked = blocking_pairs(round_)
    submitted = set(db.session.execute(select(ScoreSheet.entry_id, ScoreSheet.juror_id).join(Entry).join(Nomination)
                                       .where(Nomination.round_id == round_.id,
                                              ScoreSheet.state == SheetState.SUBMITTED)))
    assignments = db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id).options(
        selectinload(Assignment.nomination).selectinload(Nomination.entries)))
    unfinished: dict[int, int] = {}
    for assignment in assignments:
        juror, nomination = assignment.juror_id, assignment.nomination
        if juror not in active or (nomination.id, juror) in blocked or nomination.state == NominationState.WITHDRAWN:
            continue
        left = sum((entry.id, juror) not in submitted for entry in nomination.entries)
        if left:
            unfinished[juror] = unfinished.get(juror, 0) + left
    return unfinished


def scoring_reminders(today: date) -> dict[int, list[ScoringReminder]]:
    rounds = db.session.scalars(select(Round).where(Round.state == RoundState.SCORING,
                                                    Round.scoring_deadline.is_not(None)).order_by(Round.id))
    reminders: dict[int, list[ScoringReminder]] = {}
    for round_ in rounds:
        if (day_in_vietnam(round_.scoring_deadline) - today).days in DAYS_BEFORE_SCORING_DEADLINE:
            for juror, count in _unfinished_by_juror(round_).items():
                reminders.setdefault(juror, []).append(ScoringReminder(round_, count))
    return reminders


def documents_reminders(today: date) -> dict[int, list[DocumentsReminder]]:
    requests = db.session.execute(select(DocumentRequest, Nomination).join(
        Nomination, Nomination.id == DocumentRequest.nomination_id).where(
        DocumentRequest.fulfilled_at.is_(None), DocumentRequest.due_on > today,
        Nomination.state == NominationState.MISSING_DOCUMENTS).order_by(DocumentRequest.id)).all()
    if not requests:
        return {}
    holidays, makeups = calendar_between(today, max(request.due_on for request, _ in requests))
    reminders: dict[int, list[DocumentsReminder]] = {}
    for request, nomination in requests:
        left = workdays.working_days_between(today, request.due_on, holidays, makeups)
        if left in WORKING_DAYS_BEFORE_DOCUMENTS_DUE:
            reminder = DocumentsReminder(nomination, request.due_on, left)
            reminders.setdefault(nomination.applicant_id, []).append(reminder)
    return reminders


def digests(today: date) -> dict[int, Digest]:
    by_user: dict[int, Digest] = {}
    for user_id, items in scoring_reminders(today).items():
        by_user.setdefault(user_id, Digest()).scoring.extend(items)
    for user_id, items in documents_reminders(today).items():
        by_user.setdefault(user_id, Digest()).documents.extend(items)
    return by_user


def _first_today(user_id: int, today: date) -> bool:
    """Take the person's one digest of the day; False when another run already took it."""
    if db.session.scalar(select(ReminderDigest.id).where(ReminderDigest.user_id == user_id,
                                                         ReminderDigest.day == today)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReminderDigest(user_id=user_id, day=today))
    except IntegrityError:  # a run at the same moment took it first
        return False
    return True


def send_reminders(today: date) -> int:
    """Queue today's digests in the outbox; returns how many people get one."""
    sent = 0
    for user_id, digest in sorted(digests(today).items()):
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or not _first_today(user_id, today):
            continue
        notifications.queue(user, "reminder_digest", digest=digest,
                            scoring_link=notifications.link("scoring.dashboard"),
                            links={d.nomination.id: notifications.link("nominations.show",
                                                                       nomination_id=d.nomination.id)
                                   for d in digest.documents})
        sent += 1
    if sent:
        record("reminders.sent", day=today.isoformat(), people=sent)
    return sent


@task("reminders.send")
def send_reminders_task(day: str) -> None:
    send_reminders(date.fromisoformat(day))
