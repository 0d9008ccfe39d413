"""Daily reminders: jurors whose score sheets are not all submitted, 3 days and 1 day before the round's
scoring deadline; applicants with an open document request, 3 working days and 1 working day before
their 15 working days run out; ASEAN nominees whose supplement is not sent, 3 days and 1 day before it is
due; the secretariat, 7 days and 1 day before ASEAN's deadline. One digest e-mail per person per day, in
their language."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from award_app.accounts.models import Role, RoleGrant, User
from award_app.asean.models import AseanCall, AseanSupplement, SupplementState
from award_app.audit.services import record
from award_app.clock import day_in_vietnam
from award_app.eligibility import workdays
from award_app.eligibility.models import DocumentRequest
from award_app.eligibility.services import calendar_between
from award_app.extensions import db
from award_app.jobs.models import Job, JobState
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
DAYS_BEFORE_SUPPLEMENT_DUE = (3, 1)
DAYS_BEFORE_ASEAN_DEADLINE = (7, 1)


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
class SupplementReminder:
    supplement: AseanSupplement
    days_left: int


@dataclass
class AseanDeadlineReminder:
    round: Round
    deadline: date
    open_supplements: int
    package_made: bool


@dataclass
class Digest:
    scoring: list[ScoringReminder] = field(default_factory=list)
    documents: list[DocumentsReminder] = field(default_factory=list)
    supplements: list[SupplementReminder] = field(default_factory=list)
    asean_deadlines: list[AseanDeadlineReminder] = field(default_factory=list)


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


def supplement_reminders(today: date) -> dict[int, list[SupplementReminder]]:
    """Nominees whose ASEAN supplement is not sent yet, 3 days and 1 day before it is due."""
    due = [today + timedelta(days=n) for n in DAYS_BEFORE_SUPPLEMENT_DUE]
    supplements = db.session.scalars(select(AseanSupplement).where(
        AseanSupplement.state == SupplementState.REQUESTED, AseanSupplement.due_on.in_(due))
        .options(selectinload(AseanSupplement.nomination)).order_by(AseanSupplement.id))
    reminders: dict[int, list[SupplementReminder]] = {}
    for supplement in supplements:
        reminders.setdefault(supplement.nomination.applicant_id, []).append(
            SupplementReminder(supplement, (supplement.due_on - today).days))
    return reminders


def asean_deadline_reminders(today: date) -> dict[int, list[AseanDeadlineReminder]]:
    """Every secretary, 7 days and 1 day before ASEAN's deadline of a round's package: how many supplements are
    still open, and whether a package was made."""
    due = [today + timedelta(days=n) for n in DAYS_BEFORE_ASEAN_DEADLINE]
    calls = db.session.scalars(select(AseanCall).where(AseanCall.deadline.in_(due)).order_by(AseanCall.id)).all()
    if not calls:
        return {}
    items = []
    for call in calls:
        open_supplements = db.session.scalar(select(func.count()).select_from(AseanSupplement).where(
            AseanSupplement.call_id == call.id, AseanSupplement.state == SupplementState.REQUESTED))
        made = db.session.scalar(select(Job.id).where(Job.kind == "asean_package", Job.round_id == call.round_id,
                                                      Job.state == JobState.DONE).limit(1)) is not None
        items.append(AseanDeadlineReminder(call.round, call.deadline, open_supplements, made))
    secretaries = db.session.scalars(select(User.id).join(User.role_grants).where(RoleGrant.role == Role.SECRETARIAT))
    return {user_id: list(items) for user_id in secretaries}


def digests(today: date) -> dict[int, Digest]:
    by_user: dict[int, Digest] = {}
    for user_id, items in scoring_reminders(today).items():
        by_user.setdefault(user_id, Digest()).scoring.extend(items)
    for user_id, items in documents_reminders(today).items():
        by_user.setdefault(user_id, Digest()).documents.extend(items)
    for user_id, supplements in supplement_reminders(today).items():
        by_user.setdefault(user_id, Digest()).supplements.extend(supplements)
    for user_id, deadlines in asean_deadline_reminders(today).items():
        by_user.setdefault(user_id, Digest()).asean_deadlines.extend(deadlines)
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
                                   for d in digest.documents},
                            supplement_links={r.supplement.id: notifications.link(
                                "asean.supplement", asean_supplement_id=r.supplement.id) for r in digest.supplements},
                            asean_links={r.round.id: notifications.link("asean.round_page", round_id=r.round.id)
                                         for r in digest.asean_deadlines})
        sent += 1
    if sent:
        record("reminders.sent", day=today.isoformat(), people=sent)
    return sent


@task("reminders.send")
def send_reminders_task(day: str) -> None:
    send_reminders(date.fromisoformat(day))
