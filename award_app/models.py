"""Every model of the application: the schema at a glance."""

from award_app.accounts.models import ApplicantKind, CouncilMembership, EndorserScope, Role, RoleGrant, User
from award_app.approval.models import Decision
from award_app.audit.models import AuditEvent
from award_app.certificates.models import Certificate
from award_app.eligibility.models import ScreeningDecision, ScreeningOutcome
from award_app.jury.models import Assignment
from award_app.nominations.models import Document, DocumentKind, Entry, Nomination, NominationState
from award_app.ranking.models import RankingRow, RankingRun
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
from award_app.scoring.models import Score, ScoreSheet, SheetState

__all__ = [
    "ApplicantKind", "AseanQuota", "Assignment", "AuditEvent", "CalendarDay", "Certificate", "ChecklistItem",
    "CouncilMembership", "Criterion", "Decision", "Document", "DocumentKind", "EndorserScope", "Entry",
    "Nomination", "NominationState", "PrizeTier", "Programme", "Province", "RankingGroup", "RankingRow",
    "RankingRun", "Role", "RoleGrant", "Round", "RoundState", "Rubric", "Score", "ScoreSheet",
    "ScreeningDecision", "ScreeningOutcome", "SheetState", "User",
]
