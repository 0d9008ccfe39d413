"""Named permissions about nominations. A user who may not see a dossier gets 404."""

from award_app.accounts.models import APPLICANT_PROGRAMMES, Role
from award_app.columns import utcnow
from award_app.nominations.models import EDITABLE_STATES, WITHDRAWABLE, Nomination
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
    return is_owner(user, nomination) or can_list_rounds(user)


def can_edit_nomination(user, nomination: Nomination) -> bool:
    return is_owner(user, nomination) and nomination.state in EDITABLE_STATES and not nomination.round.is_frozen


def can_withdraw_nomination(user, nomination: Nomination) -> bool:
    return is_owner(user, nomination) and nomination.state in WITHDRAWABLE and not nomination.round.is_frozen


def can_list_nominations(user, round_) -> bool:
    return can_list_rounds(user)


def can_enter_paper_dossier(user, round_) -> bool:
    return can_manage_rounds(user) and round_.state == RoundState.OPEN
