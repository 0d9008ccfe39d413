"""The council and manual assignment. Never commits."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership, Role, User
from award_app.audit.services import record
from award_app.columns import utcnow
from award_app.errors import InvalidTransition, RoundFrozen
from award_app.extensions import db
from award_app.jury.models import Assignment
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.services import set_state
from award_app.rounds.models import Round, RoundState

ASSIGNING_ROUND_STATES = (RoundState.SCREENING, RoundState.SCORING)
ASSIGNABLE = (NominationState.ELIGIBLE, NominationState.UNDER_REVIEW)


def _require_not_frozen(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen()


def council(round_: Round) -> list[CouncilMembership]:
    query = select(CouncilMembership).where(CouncilMembership.round_id == round_.id,
                                            CouncilMembership.withdrawn_at.is_(None))
    return list(db.session.scalars(query.order_by(CouncilMembership.is_chair.desc(), CouncilMembership.id)))


def juror_account(email: str, full_name: str, organisation: str, password: str | None, *, actor) -> User:
    """The existing account with this e-mail, or a new one with the first password given."""
    user = accounts.find_user_by_email(email)
    if user is not None:
        return user
    if not password:
        raise InvalidTransition(_l("No account has this e-mail: give a first password to create one."))
    return accounts.create_staff_account(email=email, password=password, full_name=full_name,
                                         organisation=organisation, roles=set(), actor=actor)


def add_member(round_: Round, user: User, *, is_chair: bool, actor) -> CouncilMembership:
    """One person never judges twice: the round's approver or an administrator cannot sit on its council."""
    _require_not_frozen(round_)
    if user.has_role(Role.ADMIN) or user.has_role(Role.APPROVER):
        raise InvalidTransition(_l("An administrator or an approver cannot be a juror."))
    membership = db.session.scalar(select(CouncilMembership).where(
        CouncilMembership.round_id == round_.id, CouncilMembership.user_id == user.id))
    if membership is not None and membership.withdrawn_at is None:
        raise InvalidTransition(_l("%(name)s is already on the council.", name=user.full_name))
    if is_chair:
        for other in council(round_):
            other.is_chair = False
    if membership is None:
        membership = CouncilMembership(round_id=round_.id, user=user)
        db.session.add(membership)
    membership.is_chair, membership.withdrawn_at, membership.accepted_at = is_chair, None, utcnow()
    db.session.flush()
    record("council.member_added", membership, round_id=round_.id, actor=actor, user=user.id, chair=is_chair)
    return membership


def remove_member(membership: CouncilMembership, *, actor) -> None:
    round_ = membership.round
    _require_not_frozen(round_)
    assigned = db.session.scalar(select(Assignment.id).where(Assignment.round_id == round_.id,
                                                             Assignment.juror_id == membership.user_id).limit(1))
    if assigned is not None:
        raise InvalidTransition(_l("Remove this juror's assignments first."))
    membership.withdrawn_at = utcnow()
    record("council.member_removed", membership, round_id=round_.id, actor=actor, user=membership.user_id)


def assign(nomination: Nomination, juror: User, *, actor, pinned: bool = True) -> Assignment:
    round_ = nomination.round
    _require_not_frozen(round_)
    if round_.state not in ASSIGNING_ROUND_STATES:
        raise InvalidTransition(_l("Jurors are assigned after screening starts and before the council meets."))
    if nomination.state not in ASSIGNABLE:
        raise InvalidTransition(_l("Only eligible dossiers get jurors."))
    if not any(m.user_id == juror.id for m in council(round_)):
        raise InvalidTransition(_l("%(name)s is not on this round's council.", name=juror.full_name))
    if db.session.scalar(select(Assignment.id).where(Assignment.nomination_id == nomination.id,
                                                     Assignment.juror_id == juror.id)):
        raise InvalidTransition(_l("%(name)s is already assigned to this dossier.", name=juror.full_name))
    assignment = Assignment(round_id=round_.id, nomination_id=nomination.id, juror_id=juror.id, pinned=pinned,
                            created_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    if nomination.state == NominationState.ELIGIBLE:
        set_state(nomination, NominationState.UNDER_REVIEW, actor=actor, action="nomination.under_review")
    record("assignment.added", assignment, round_id=round_.id, actor=actor, nomination=nomination.id,
           juror=juror.id)
    return assignment


def unassign(assignment: Assignment, *, actor) -> None:
    """The juror loses access; a sheet they submitted stays on record but no longer counts."""
    _require_not_frozen(assignment.nomination.round)
    record("assignment.removed", assignment, round_id=assignment.round_id, actor=actor,
           nomination=assignment.nomination_id, juror=assignment.juror_id)
    db.session.delete(assignment)
