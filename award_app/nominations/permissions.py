"""Named permissions about nominations. A user who may not see a dossier gets 404."""

from award_app.accounts.models import APPLICANT_PROGRAMMES, Role
from award_app.clock import utcnow
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.rules import EDITABLE, WITHDRAWABLE
from award_app.rounds.models import RoundState
from award_app.rounds.permissions import can_list_rounds, can_manage_rounds


def can_start_nomination(user, round_) -> bool:
    """An applicant of the right kind, while the round's call is open and its deadline not passed."""
    return (
        user.is_authenticated and user.has_role(Role.APPLICANT)
        and APPLICANT_PROGRAMMES.get(user.applicant_kind) == round_.programme_code
        and round_.state == RoundState.OPEN and call_is_running(round_)
    )


def call_is_running(round_) -> bool:
    """Between the opening and the closing time of the call."""
    now = utcnow()
    return (round_.opens_at is not None and round_.closes_at is not None
            and round_.opens_at <= now <= round_.closes_at)


def is_owner(user, nomination: Nomination) -> bool:
    return user.is_authenticated and nomination.applicant_id == user.id


def can_view_nomination(user, nomination: Nomination) -> bool:
    """The applicant, the staff, and the endorsers of its province once it is submitted."""
    return (is_owner(user, nomination) or can_list_rounds(user)
            or (user.is_authenticated and nomination.reference is not None and endorses(user, nomination)))


def is_paper_dossier_keeper(user, nomination: Nomination) -> bool:
    """The secretariat keeps a dossier it entered from paper on the applicant's behalf."""
    return nomination.entered_by_id is not None and can_manage_rounds(user)


def can_edit_nomination(user, nomination: Nomination) -> bool:
    return ((is_owner(user, nomination) or is_paper_dossier_keeper(user, nomination))
            and nomination.state in EDITABLE and not nomination.round.is_frozen)


def can_change_documents(user, nomination: Nomination) -> bool:
    """While editable, or for the documents the secretariat asked for."""
    if nomination.state == NominationState.MISSING_DOCUMENTS and not nomination.round.is_frozen:
        return is_owner(user, nomination) or is_paper_dossier_keeper(user, nomination)
    return can_edit_nomination(user, nomination)


def can_extend_deadline(user, nomination: Nomination) -> bool:
    return (can_manage_rounds(user) and not nomination.round.is_frozen
            and nomination.state in EDITABLE | {NominationState.MISSING_DOCUMENTS})


def can_endorse(user, nomination: Nomination) -> bool:
    """An endorser of the dossier's province and programme, when the round asks for endorsement."""
    return (user.is_authenticated and nomination.round.endorsement_required
            and nomination.state == NominationState.SUBMITTED and not nomination.round.is_frozen
            and endorses(user, nomination))


def endorses(user, nomination: Nomination) -> bool:
    return any(s.province_id == nomination.province_id and s.programme_code == nomination.round.programme_code
               for s in user.endorser_scopes)


def can_view_receipt(user, nomination: Nomination) -> bool:
    return nomination.reference is not None and can_view_nomination(user, nomination)


def can_withdraw_nomination(user, nomination: Nomination) -> bool:
    return is_owner(user, nomination) and nomination.state in WITHDRAWABLE and not nomination.round.is_frozen


def can_list_nominations(user, round_) -> bool:
    return can_list_rounds(user)


def can_enter_paper_dossier(user, round_) -> bool:
    return can_manage_rounds(user) and round_.state == RoundState.OPEN
