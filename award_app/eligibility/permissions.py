from award_app.eligibility.services import SCREENABLE, SCREENING_ROUND_STATES
from award_app.rounds.permissions import can_manage_rounds


def can_screen(user, nomination) -> bool:
    return (can_manage_rounds(user) and nomination.round.state in SCREENING_ROUND_STATES
            and nomination.state in SCREENABLE)
