from award_app.eligibility.services import screenable
from award_app.nominations.models import NominationState
from award_app.nominations.permissions import is_owner
from award_app.nominations.rules import AWAITING_SCREENING
from award_app.rounds.permissions import can_manage_rounds


def can_screen(user, nomination) -> bool:
    return can_manage_rounds(user) and screenable(nomination)


def can_request_documents(user, nomination) -> bool:
    return (can_manage_rounds(user) and not nomination.round.is_frozen
            and nomination.state in AWAITING_SCREENING)


def can_send_requested_documents(user, nomination) -> bool:
    return is_owner(user, nomination) and nomination.state == NominationState.MISSING_DOCUMENTS
