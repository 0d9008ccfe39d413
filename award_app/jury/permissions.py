from sqlalchemy import select

from award_app.extensions import db
from award_app.jury.models import Assignment
from award_app.rounds.permissions import can_manage_rounds, is_council_member


def can_manage_council(user, round_) -> bool:
    return can_manage_rounds(user) and not round_.is_frozen


def is_assigned(user, nomination) -> bool:
    """An active council member assigned to this dossier."""
    if not user.is_authenticated or not is_council_member(user, nomination.round):
        return False
    return db.session.scalar(select(Assignment.id).where(Assignment.nomination_id == nomination.id,
                                                         Assignment.juror_id == user.id)) is not None
