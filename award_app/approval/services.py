"""Approving a round's results: the decision freezes everything that decided them. Never commits."""

from datetime import date

from flask_babel import lazy_gettext as _l

from award_app.approval.models import Decision
from award_app.audit.services import record
from award_app.errors import InvalidTransition, RoundFrozen
from award_app.extensions import db
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.services import set_state
from award_app.ranking.models import RankingRun
from award_app.ranking.services import latest_meeting, run_rows
from award_app.rounds.models import Round, RoundState
from award_app.text import nfc

STILL_COMPETING = (NominationState.UNDER_REVIEW, NominationState.SCORED, NominationState.PROPOSED)


def approve(round_: Round, run: RankingRun | None, *, number: str, signed_on: date, signer_name: str,
            signer_title: str, actor) -> Decision:
    if round_.is_frozen:
        raise RoundFrozen()
    if round_.state != RoundState.COUNCIL:
        raise InvalidTransition(_l("Only a proposal handed over by the council can be approved."))
    if run is None or run.round_id != round_.id:
        raise InvalidTransition(_l("There is no ranking to approve."))
    meeting = latest_meeting(round_)
    if meeting is None or meeting.ranking_run_id != run.id:
        raise InvalidTransition(_l("The council has not adopted this proposal yet: the chair records the meeting "
                                   "first."))
    withdrawn = [row.entry.nomination.reference for row in run_rows(run)
                 if row.entry.nomination.state == NominationState.WITHDRAWN]
    if withdrawn:
        raise InvalidTransition(_l("%(refs)s was withdrawn after the proposal: the secretariat computes the ranking "
                                   "again and the council adopts it again.", refs=", ".join(withdrawn)))
    decision = Decision(round_id=round_.id, ranking_run_id=run.id, number=nfc(number).strip(), signed_on=signed_on,
                        signer_name=nfc(signer_name).strip(), signer_title=nfc(signer_title).strip(),
                        approved_by_id=actor.id)
    db.session.add(decision)
    winners = {row.entry.nomination_id for row in run_rows(run) if row.tier_code}
    competing = db.session.query(Nomination).filter(Nomination.round_id == round_.id,
                                                    Nomination.state.in_(STILL_COMPETING))
    for nomination in competing:
        new = NominationState.AWARDED if nomination.id in winners else NominationState.NOT_SELECTED
        set_state(nomination, new, actor=actor, action="nomination.decided")
    old = round_.state
    round_.state = RoundState.APPROVED
    db.session.flush()
    record("round.approved", round_, round_id=round_.id, actor=actor, old=old, new=round_.state,
           decision=decision.number, signed_on=signed_on, run=run.id, winners=sorted(winners))
    return decision
