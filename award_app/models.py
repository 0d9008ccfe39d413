"""Every model of the application: the schema at a glance."""

from award_app.accounts.models import (
    ApplicantKind,
    CouncilMembership,
    EndorserScope,
    RecoveryCode,
    Role,
    RoleGrant,
    User,
    UserSession,
)
from award_app.approval.models import Decision, Revocation
from award_app.asean.models import (
    AseanCall,
    AseanDocument,
    AseanOutcome,
    AseanRequirement,
    AseanResult,
    AseanSupplement,
    SupplementState,
)
from award_app.audit.models import AuditEvent
from award_app.certificates.models import Certificate
from award_app.eligibility.models import DocumentRequest, ScreeningDecision, ScreeningOutcome
from award_app.jobs.models import Job, JobState
from award_app.jury.models import Assignment, Conflict, Declaration
from award_app.nominations.models import (
    DeadlineExtension,
    Document,
    DocumentKind,
    Endorsement,
    EndorsementLetter,
    Entry,
    IndicatorValue,
    Nomination,
    NominationState,
)
from award_app.notifications.models import OutboxMessage
from award_app.ranking.models import CouncilMeeting, RankingRow, RankingRun
from award_app.reminders.models import ReminderDigest
from award_app.rounds.models import (
    AseanQuota,
    CalendarDay,
    ChecklistItem,
    Criterion,
    HonouredName,
    Indicator,
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
    "ApplicantKind", "AseanCall", "AseanDocument", "AseanOutcome", "AseanQuota", "AseanRequirement", "AseanResult",
    "AseanSupplement", "Assignment", "AuditEvent", "CalendarDay", "Certificate", "ChecklistItem",
    "Conflict", "CouncilMeeting", "CouncilMembership", "Criterion", "DeadlineExtension", "Decision", "Declaration",
    "Document", "DocumentKind", "DocumentRequest", "Endorsement", "EndorsementLetter", "EndorserScope", "Entry",
    "HonouredName", "Indicator", "IndicatorValue", "Job", "JobState", "Nomination", "NominationState",
    "OutboxMessage", "PrizeTier", "Programme", "Province", "RankingGroup", "RankingRow", "RankingRun", "RecoveryCode",
    "ReminderDigest", "Revocation", "Role", "RoleGrant", "Round", "RoundState", "Rubric", "Score", "ScoreSheet",
    "ScreeningDecision", "ScreeningOutcome", "SheetState", "SupplementState", "User", "UserSession",
]
