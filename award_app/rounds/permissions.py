"""Named permissions about rounds: who may see, set up and move a round."""

from award_app.accounts.models import Role
from award_app.rounds.models import RoundState


def can_manage_rounds(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def can_list_rounds(user) -> bool:
    return user.is_authenticated and bool(user.roles & {Role.SECRETARIAT, Role.APPROVER, Role.AUDITOR})


def can_view_round(user, round_) -> bool:
    """Staff see every round; applicants see rounds whose call has opened; jurors their own."""
    if not user.is_authenticated:
        return False
    if can_list_rounds(user):
        return True
    if user.has_role(Role.APPLICANT) and round_.state != RoundState.DRAFT:
        return True
    return any(m.round_id == round_.id and m.accepted_at for m in user.council_memberships)


def can_edit_round(user, round_) -> bool:
    return can_manage_rounds(user) and round_.is_editable


def can_advance_round(user, round_) -> bool:
    return can_manage_rounds(user) and not round_.is_frozen


def can_edit_calendar(user) -> bool:
    return can_manage_rounds(user)


def is_council_member(user, round_) -> bool:
    return any(m.round_id == round_.id and not m.withdrawn_at for m in user.council_memberships)


def can_approve_round(user, round_) -> bool:
    """One person never judges the same thing twice: a juror of a round cannot approve it."""
    return user.is_authenticated and user.has_role(Role.APPROVER) and not is_council_member(user, round_)
