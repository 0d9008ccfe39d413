from award_app.asean.models import SupplementState
from award_app.asean.services import is_nominee_of, may_change
from award_app.rounds.permissions import can_list_rounds, can_manage_rounds


def can_view_asean(user, round_) -> bool:
    """Staff read the package's page once the national decision is approved."""
    return can_list_rounds(user) and round_.is_frozen


def can_manage_asean(user, round_) -> bool:
    return can_manage_rounds(user) and round_.is_frozen


def can_view_supplement(user, supplement) -> bool:
    return is_nominee_of(user, supplement) or can_list_rounds(user)


def can_change_supplement(user, supplement) -> bool:
    return may_change(user, supplement)


def can_send_supplement(user, supplement) -> bool:
    return is_nominee_of(user, supplement) and supplement.state == SupplementState.REQUESTED
