from sqlalchemy import select

from award_app.extensions import db
from award_app.jury.models import Assignment, Conflict
from award_app.jury.services import has_declared
from award_app.rounds.permissions import can_manage_rounds


def can_manage_council(user, round_) -> bool:
    return can_manage_rounds(user) and not round_.is_frozen


def active_membership(user, round_):
    if not user.is_authenticated:
        return None
    return next((m for m in user.council_memberships if m.round_id == round_.id and m.is_active), None)


def is_assigned(user, nomination) -> bool:
    """An active juror assigned to the dossier, without a confirmed conflict with it, nor one they
    declared themselves and the secretariat has not rejected."""
    if active_membership(user, nomination.round) is None:
        return False
    assigned = db.session.scalar(select(Assignment.id).where(Assignment.nomination_id == nomination.id,
                                                             Assignment.juror_id == user.id))
    return assigned is not None and nomination.id not in withheld_from(user, nomination.round)


def withheld_from(user, round_) -> set[int]:
    """The round's dossiers a juror no longer sees: a confirmed conflict, or one they declared that the
    secretariat has not rejected. One query for the whole round."""
    return set(db.session.scalars(withheld_query(user, round_)))


def withheld_query(user, round_):
    """The query behind withheld_from, to be used inside another query."""
    return select(Conflict.nomination_id).where(
        Conflict.round_id == round_.id, Conflict.juror_id == user.id, Conflict.sets_juror_aside())


def must_declare(user, round_) -> bool:
    """A juror declares "no conflict, except these" before opening any dossier of the round."""
    return (active_membership(user, round_) is not None and not round_.is_frozen
            and not has_declared(round_, user))


def must_confirm(user, nomination) -> bool:
    """…and confirms it again when first opening each assigned dossier."""
    return not has_declared(nomination.round, user, nomination)


def can_declare(user, round_) -> bool:
    return active_membership(user, round_) is not None and not round_.is_frozen
