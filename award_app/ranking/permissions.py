from award_app.ranking.services import RANKING_ROUND_STATES
from award_app.rounds.permissions import can_list_rounds, can_manage_rounds


def can_view_ranking(user, round_) -> bool:
    return can_list_rounds(user)


def can_compute_ranking(user, round_) -> bool:
    return can_manage_rounds(user) and round_.state in RANKING_ROUND_STATES and not round_.is_frozen
