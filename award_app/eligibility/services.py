"""Screening decisions and the missing-documents loop. Never commits."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from award_app.audit.services import record
from award_app.clock import today_in_vietnam, utcnow
from award_app.eligibility import workdays
from award_app.eligibility.models import DocumentRequest, ScreeningDecision, ScreeningOutcome
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.i18n import localized
from award_app.nominations import lifecycle
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.rules import AWAITING_SCREENING, SCREENED
from award_app.notifications import services as notifications
from award_app.rounds.models import CalendarDay, CalendarDayKind, HonouredName, Round, RoundState
from award_app.text import nfc

SCREENING_ROUND_STATES = (RoundState.CLOSED, RoundState.SCREENING)


def awaiting_screening(round_: Round) -> frozenset[NominationState]:
    """Endorsed dossiers where the round needs the province's endorsement, else submitted ones."""
    return frozenset({NominationState.ENDORSED}) if round_.endorsement_required else AWAITING_SCREENING


def screenable(nomination: Nomination) -> bool:
    """A decision may be taken, or corrected, until jurors are at work on the dossier."""
    return (nomination.round.state in SCREENING_ROUND_STATES
            and nomination.state in awaiting_screening(nomination.round) | SCREENED)


def screen(nomination: Nomination, outcome: ScreeningOutcome, reason: str, *, actor) -> ScreeningDecision:
    if nomination.round.state not in SCREENING_ROUND_STATES:
        raise InvalidTransition(_l("Screening happens after the call closes and before scoring starts."))
    if not screenable(nomination):
        raise InvalidTransition(_l("This dossier cannot be screened now (it may still need the province's "
                                   "endorsement)."))
    reason = nfc(reason or "").strip()
    if outcome == ScreeningOutcome.INELIGIBLE and not reason:
        raise InvalidTransition(_l("Give the applicant the reason why the dossier is ineligible."))
    decision = ScreeningDecision(nomination_id=nomination.id, outcome=outcome, reason=reason, decided_by_id=actor.id)
    db.session.add(decision)
    eligible = outcome == ScreeningOutcome.ELIGIBLE
    lifecycle.mark_screened(nomination, eligible=eligible, reason=reason, actor=actor)
    notifications.queue(nomination.applicant, "screened", nomination=nomination, eligible=eligible, reason=reason)
    return decision


# -- the missing-documents loop ---------------------------------------------------------------

def calendar_between(start: date, end: date) -> tuple[set[date], set[date]]:
    """(public holidays, make-up working Saturdays) of the secretariat's calendar in [start, end]."""
    days = db.session.scalars(select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end))
    holidays: set[date] = set()
    makeups: set[date] = set()
    for day in days:
        (holidays if day.kind == CalendarDayKind.HOLIDAY else makeups).add(day.day)
    return holidays, makeups


def due_date(requested_on: date) -> date:
    """15 working days counted from the day after the request (workdays.py)."""
    holidays, makeups = calendar_between(requested_on, date(requested_on.year + 1, 12, 31))
    return workdays.add_working_days(requested_on, workdays.DOCUMENT_REQUEST_WORKING_DAYS, holidays, makeups)


def request_documents(nomination: Nomination, item_ids: list[int], message: str, *, actor) -> DocumentRequest:
    if nomination.round.is_frozen or nomination.round.state not in (RoundState.OPEN, *SCREENING_ROUND_STATES):
        raise InvalidTransition(_l("Documents are requested while dossiers are being screened."))
    if nomination.state not in AWAITING_SCREENING:
        raise InvalidTransition(_l("Documents can be requested for a submitted dossier only."))
    known = {item.id for item in nomination.round.checklist}
    if not item_ids or not set(item_ids) <= known:
        raise InvalidTransition(_l("Choose the documents the applicant must add."))
    message = nfc(message or "").strip()
    if not message:
        raise InvalidTransition(_l("Write a message telling the applicant what is missing."))
    today = today_in_vietnam()
    nomination.requested_items = sorted(item_ids)
    before = lifecycle.park_for_documents(nomination, message, actor=actor)
    request = DocumentRequest(nomination_id=nomination.id, message=message, item_ids=sorted(item_ids),
                              requested_by_id=actor.id, due_on=due_date(today), state_before=before)
    db.session.add(request)
    db.session.flush()
    items = [localized(i, "name") for i in nomination.round.checklist if i.id in item_ids]
    notifications.queue(nomination.applicant, "documents_requested", nomination=nomination, message=message,
                        items=items, due_on=request.due_on)
    return request


def open_request(nomination: Nomination) -> DocumentRequest | None:
    return db.session.scalar(select(DocumentRequest).where(DocumentRequest.nomination_id == nomination.id,
                                                           DocumentRequest.fulfilled_at.is_(None))
                             .order_by(DocumentRequest.id.desc()).limit(1))


def send_requested_documents(nomination: Nomination, *, actor) -> None:
    """The applicant has added what was asked for: the dossier goes back to where it was."""
    request = open_request(nomination)
    if nomination.state != NominationState.MISSING_DOCUMENTS or request is None:
        raise InvalidTransition()
    request.fulfilled_at = utcnow()
    nomination.requested_items = []
    lifecycle.resume_after_documents(nomination, request.state_before, actor=actor)


def is_overdue(request: DocumentRequest, today: date) -> bool:
    return request.fulfilled_at is None and today > request.due_on


# -- the lists of those already honoured ------------------------------------------------------

def add_honoured(programme_code, name: str, detail: str, year: int | None, *, actor,
                 identity: str = "") -> HonouredName:
    """A name on the list; with an `identity` (a winner recorded from ASEAN's result) it refuses, not only flags,
    a later dossier about the same school or person. A name already listed for that year is taken as it is."""
    name, detail = nfc(name).strip(), nfc(detail).strip()
    entry = db.session.scalar(select(HonouredName).where(HonouredName.programme_code == programme_code,
                                                         HonouredName.name == name,
                                                         HonouredName.year.is_(None) if year is None
                                                         else HonouredName.year == year))
    if entry is None:
        entry = HonouredName(programme_code=programme_code, name=name, detail=detail, year=year)
        db.session.add(entry)
    if identity:
        entry.refuses, entry.identity = True, identity
    db.session.flush()
    record("honoured.added", entry, actor=actor, programme=programme_code, name=entry.name, year=year,
           refuses=entry.refuses)
    return entry


def remove_honoured(entry: HonouredName, *, actor) -> None:
    record("honoured.removed", entry, actor=actor, programme=entry.programme_code, name=entry.name)
    db.session.delete(entry)
