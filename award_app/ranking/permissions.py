from award_app.jury.permissions import active_membership
from award_app.ranking.services import RANKING_ROUND_STATES
from award_app.rounds.models import RoundState
from award_app.rounds.permissions import can_list_rounds, can_manage_rounds


def can_view_ranking(user, round_) -> bool:
    """Staff, and the council's members once the ranking is handed to the council."""
    if can_list_rounds(user):
        return True
    return round_.state == RoundState.COUNCIL and active_membership(user, round_) is not None


def can_compute_ranking(user, round_) -> bool:
    return can_manage_rounds(user) and round_.state in RANKING_ROUND_STATES and not round_.is_frozen


def can_record_meeting(user, round_) -> bool:
    """The council's chair records the meeting and submits the proposal."""
    membership = active_membership(user, round_)
    return membership is not None and membership.is_chair and round_.state == RoundState.COUNCIL
