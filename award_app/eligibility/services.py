"""Screening decisions. Never commits."""

from flask_babel import lazy_gettext as _l

from award_app.eligibility.models import ScreeningDecision, ScreeningOutcome
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.nominations.models import AWAITING_SCREENING, Nomination, NominationState
from award_app.nominations.services import set_state
from award_app.rounds.models import RoundState
from award_app.text import nfc

SCREENING_ROUND_STATES = (RoundState.CLOSED, RoundState.SCREENING)
# A decision may be corrected until jurors are at work on the dossier.
SCREENABLE = (*AWAITING_SCREENING, NominationState.ELIGIBLE, NominationState.INELIGIBLE)


def screen(nomination: Nomination, outcome: ScreeningOutcome, reason: str, *, actor) -> ScreeningDecision:
    if nomination.round.state not in SCREENING_ROUND_STATES:
        raise InvalidTransition(_l("Screening happens after the call closes and before scoring starts."))
    if nomination.state not in SCREENABLE:
        raise InvalidTransition()
    reason = nfc(reason or "")
    if outcome == ScreeningOutcome.INELIGIBLE and not reason:
        raise InvalidTransition(_l("Give the applicant the reason why the dossier is ineligible."))
    decision = ScreeningDecision(nomination_id=nomination.id, outcome=outcome, reason=reason, decided_by_id=actor.id)
    db.session.add(decision)
    new = NominationState.ELIGIBLE if outcome == ScreeningOutcome.ELIGIBLE else NominationState.INELIGIBLE
    set_state(nomination, new, actor=actor, reason=reason, action="nomination.screened")
    return decision
