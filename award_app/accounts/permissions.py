"""Named permissions about accounts and roles."""

from award_app.accounts.models import Role


def is_staff(user) -> bool:
    return user.is_authenticated and bool(user.roles & {Role.SECRETARIAT, Role.APPROVER, Role.AUDITOR})


def can_manage_accounts(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_register_as_applicant(user) -> bool:
    return not user.is_authenticated


def is_applicant(user) -> bool:
    return user.is_authenticated and user.has_role(Role.APPLICANT)


def is_endorser(user) -> bool:
    return user.is_authenticated and bool(user.endorser_scopes)


def active_council_rounds(user) -> list:
    """Rounds whose council the user has joined (accepted and not withdrawn)."""
    if not user.is_authenticated:
        return []
    return [m.round for m in user.council_memberships if m.accepted_at and not m.withdrawn_at]
