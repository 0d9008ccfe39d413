from award_app.rounds.models import RoundState
from award_app.rounds.permissions import can_approve_round


def can_approve(user, round_) -> bool:
    return can_approve_round(user, round_) and round_.state == RoundState.COUNCIL
