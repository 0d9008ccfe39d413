"""Every model of the application: the schema at a glance."""

from award_app.accounts.models import (
    ApplicantKind,
    CouncilMembership,
    EndorserScope,
    Role,
    RoleGrant,
    User,
)
from award_app.audit.models import AuditEvent
from award_app.rounds.models import (
    AseanQuota,
    CalendarDay,
    ChecklistItem,
    Criterion,
    PrizeTier,
    Programme,
    Province,
    RankingGroup,
    Round,
    RoundState,
    Rubric,
)

__all__ = [
    "ApplicantKind", "AseanQuota", "AuditEvent", "CalendarDay", "ChecklistItem", "CouncilMembership", "Criterion",
    "EndorserScope", "PrizeTier", "Programme", "Province", "RankingGroup", "Role", "RoleGrant", "Round",
    "RoundState", "Rubric", "User",
]
