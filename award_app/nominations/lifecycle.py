"""The dossier's life: the only code that changes a nomination's state. Never commits.

One operation per step of rules.TRANSITIONS; each refuses a move the table does not have (IllegalMove, with
the reader's words for both states) and records its audit event in the same transaction. The stage that calls
it (screening, the jury, approval) checks its own conditions first: the round's stage, the reason, the files.
"""

from flask_babel import lazy_gettext as _l

from award_app.audit.services import record
from award_app.errors import InvalidTransition, RoundFrozen
from award_app.nominations import rules
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.rules import Step
from award_app.text import nfc

S = NominationState


class IllegalMove(InvalidTransition):
    def __init__(self, old: NominationState, new: NominationState):
        self.old, self.new = old, new
        super().__init__(rules.illegal_move_message(old, new))


def _refuse_illegal(nomination: Nomination, step: Step, new: NominationState, *, after_approval: bool = False):
    """An approved round's dossiers stay as they are (but for a revocation); a move must be in the table."""
    if nomination.round.is_frozen and not after_approval:
        raise RoundFrozen()
    if not rules.allows(step, nomination.state, new):
        raise IllegalMove(nomination.state, new)


def _move(nomination: Nomination, step: Step, new: NominationState, *, action: str, actor, reason: str = "",
          after_approval: bool = False, **details) -> None:
    _refuse_illegal(nomination, step, new, after_approval=after_approval)
    old = nomination.state
    nomination.state = new
    nomination.state_reason = nfc(reason) or ""
    record(action, nomination, round_id=nomination.round_id, actor=actor, old=old, new=new,
           reason=nomination.state_reason, **details)


def mark_submitted(nomination: Nomination, *, actor, **details) -> None:
    _move(nomination, Step.SUBMIT, S.SUBMITTED, action="nomination.submitted", actor=actor, **details)


def mark_endorsed(nomination: Nomination, *, actor) -> None:
    _move(nomination, Step.ENDORSE, S.ENDORSED, action="nomination.endorsed", actor=actor)


def return_for_correction(nomination: Nomination, comment: str, *, actor) -> None:
    _move(nomination, Step.RETURN_FOR_CORRECTION, S.RETURNED, action="nomination.returned", actor=actor,
          reason=comment)


def mark_screened(nomination: Nomination, *, eligible: bool, reason: str, actor) -> None:
    new = S.ELIGIBLE if eligible else S.INELIGIBLE
    _move(nomination, Step.SCREEN, new, action="nomination.screened", actor=actor, reason=reason)


def park_for_documents(nomination: Nomination, message: str, *, actor) -> NominationState:
    """Returns the state the dossier resumes when the documents come (resume_after_documents)."""
    before = nomination.state
    _move(nomination, Step.PARK_FOR_DOCUMENTS, S.MISSING_DOCUMENTS, action="nomination.documents_requested",
          actor=actor, reason=message)
    return before


def resume_after_documents(nomination: Nomination, back_to: NominationState, *, actor) -> None:
    _move(nomination, Step.RESUME_AFTER_DOCUMENTS, NominationState(back_to), action="nomination.documents_sent",
          actor=actor)


def send_to_council(nomination: Nomination, *, actor) -> None:
    _move(nomination, Step.SEND_TO_COUNCIL, S.UNDER_REVIEW, action="nomination.under_review", actor=actor)


def decide(nomination: Nomination, *, awarded: bool, actor) -> None:
    new = S.AWARDED if awarded else S.NOT_SELECTED
    _move(nomination, Step.DECIDE, new, action="nomination.decided", actor=actor)


def revoke(nomination: Nomination, reason: str, *, actor, **details) -> None:
    """After approval, as a new event: the approval stage keeps the revocation and its decision."""
    _move(nomination, Step.REVOKE, S.REVOKED, action="nomination.revoked", actor=actor, reason=reason,
          after_approval=True, **details)


def withdraw(nomination: Nomination, reason: str, *, actor) -> None:
    """Any time before the result is decided, with a reason."""
    _refuse_illegal(nomination, Step.WITHDRAW, S.WITHDRAWN)
    if not nfc(reason or ""):
        raise InvalidTransition(_l("Give a reason for the withdrawal."))
    _move(nomination, Step.WITHDRAW, S.WITHDRAWN, action="nomination.withdrawn", actor=actor, reason=reason)
