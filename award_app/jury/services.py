"""The council and manual assignment. Never commits."""

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import selectinload

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership, Role, RoleGrant, User
from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.errors import InvalidTransition, NotAllowed, RoundFrozen
from award_app.extensions import db
from award_app.jury import conflicts, planner
from award_app.jury.models import Assignment, Conflict, ConflictKind, ConflictSource, ConflictStatus, Declaration
from award_app.jury.planner import Infeasible, Plan
from award_app.nominations import lifecycle
from award_app.nominations.models import Nomination, NominationState
from award_app.nominations.rules import ASSIGNABLE
from award_app.notifications import services as notifications
from award_app.rounds.models import ProgrammeCode, Round, RoundState
from award_app.text import nfc

ASSIGNING_ROUND_STATES = (RoundState.SCREENING, RoundState.SCORING)


def _require_not_frozen(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen()


def council(round_: Round) -> list[CouncilMembership]:
    """Invited or active members (not withdrawn), the chair first."""
    query = select(CouncilMembership).where(CouncilMembership.round_id == round_.id,
                                            CouncilMembership.withdrawn_at.is_(None))
    return list(db.session.scalars(query.options(selectinload(CouncilMembership.user))
                                   .order_by(CouncilMembership.is_chair.desc(), CouncilMembership.id)))


def juror_account(email: str, full_name: str, organisation: str, password: str | None, *, actor) -> User:
    """The existing account with this e-mail, or a new one with the first password given."""
    user = accounts.find_user_by_email(email)
    if user is not None:
        return user
    if not password:
        raise InvalidTransition(_l("No account has this e-mail: give a first password to create one."))
    return accounts.create_staff_account(email=email, password=password, full_name=full_name,
                                         organisation=organisation, roles=set(), actor=actor)


def invite_member(round_: Round, user: User, *, is_chair: bool, expertise: list[str] | None = None,
                  cap: int | None = None, actor) -> CouncilMembership:
    """One person never judges twice: an administrator or an approver cannot sit on a council.
    The juror sees nothing of the round until they accept the e-mailed invitation."""
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
    membership.is_chair, membership.withdrawn_at, membership.accepted_at = is_chair, None, None
    membership.expertise, membership.cap = sorted(expertise or []), cap
    _new_invitation(membership)
    db.session.flush()
    record("council.member_invited", membership, round_id=round_.id, actor=actor, user=user.id, chair=is_chair,
           expertise=membership.expertise, cap=cap)
    _send_invitation(membership)
    return membership


def resend_invitation(membership: CouncilMembership, *, actor) -> None:
    """A new link for an invitation not yet accepted (the earlier one stops working), valid for the full
    INVITATION_DAYS again."""
    _require_not_frozen(membership.round)
    if membership.accepted_at is not None or membership.withdrawn_at is not None:
        raise InvalidTransition(_l("Only an invitation not yet accepted can be sent again."))
    _new_invitation(membership)
    record("council.invitation_resent", membership, round_id=membership.round_id, actor=actor,
           user=membership.user_id)
    _send_invitation(membership)


def _new_invitation(membership: CouncilMembership) -> None:
    membership.invitation_nonce, membership.invited_at = secrets.token_urlsafe(24), utcnow()


def _send_invitation(membership: CouncilMembership) -> None:
    user = membership.user
    notifications.queue(user, "council_invitation", round=membership.round, membership=membership,
                        days=current_app.config["INVITATION_DAYS"], needs_password=user.last_login_at is None,
                        link=notifications.link("jury.accept", token=invitation_token(membership)))


# -- the invitation link -------------------------------------------------------------------------
# The link only says which invitation to open: it signs nobody in. Only the invitee, signed in with their own
# password, accepts it, once. It names the invitation in force (its nonce) and the invitee's password, so it
# stops working on acceptance, when the invitation is sent again, when the password changes, and after
# INVITATION_DAYS.

# Why a real invitation's link no longer works (the reason recorded in the audit log).
ACCEPTED, WITHDRAWN, REPLACED, PASSWORD_CHANGED, EXPIRED, FROZEN, ANOTHER_ACCOUNT = (
    "accepted", "withdrawn", "replaced", "password_changed", "expired", "frozen", "another_account")


@dataclass(frozen=True)
class Invitation:
    membership: CouncilMembership
    nonce: str
    problem: str | None  # one of the reasons above, or None while the link works


def invitation_token(membership: CouncilMembership) -> str:
    return _serializer().dumps({"m": membership.id, "u": membership.user_id, "n": membership.invitation_nonce,
                                "h": accounts.password_fingerprint(membership.user)})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="council-invitation")


def read_invitation(token: str) -> Invitation | None:
    """None for a link that is not one of ours (forged, garbled, or naming a membership that is gone)."""
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    membership = db.session.get(CouncilMembership, data["m"])
    if membership is None or membership.user_id != data.get("u"):
        return None
    nonce, fingerprint = str(data.get("n") or ""), str(data.get("h") or "")
    return Invitation(membership, nonce, _problem(membership, nonce, fingerprint))


def _problem(membership: CouncilMembership, nonce: str, fingerprint: str) -> str | None:
    if membership.accepted_at is not None:
        return ACCEPTED
    if membership.withdrawn_at is not None:
        return WITHDRAWN
    if not membership.invitation_nonce or not hmac.compare_digest(membership.invitation_nonce, nonce):
        return REPLACED
    if not hmac.compare_digest(accounts.password_fingerprint(membership.user), fingerprint):
        return PASSWORD_CHANGED
    if invitation_expired(membership):
        return EXPIRED
    if membership.round.is_frozen:
        return FROZEN
    return None


def invitation_expired(membership: CouncilMembership) -> bool:
    days = current_app.config["INVITATION_DAYS"]
    return membership.invited_at is None or utcnow() - membership.invited_at > timedelta(days=days)


def record_refused_invitation(membership: CouncilMembership, reason: str, *, actor) -> None:
    """Every refused use of a real invitation is on record. Another account's attempt is an access denied on
    the invitation (it gets the same 404 as a missing page)."""
    action = "access.denied" if reason == ANOTHER_ACCOUNT else "council.invitation_refused"
    record(action, membership, round_id=membership.round_id, actor=actor, invitee=membership.user_id,
           reason=reason)


def accept_invitation(invitation: Invitation, *, actor) -> None:
    """The invitee, signed in, accepts once: the nonce is used up in the same statement that records the
    acceptance, so two clicks at once accept once."""
    membership = invitation.membership
    if actor.id != membership.user_id:
        raise NotAllowed()
    if invitation.problem is not None:
        raise InvalidTransition(_l("This invitation link no longer works."))
    claimed = cast(CursorResult, db.session.execute(update(CouncilMembership).where(
        CouncilMembership.id == membership.id, CouncilMembership.accepted_at.is_(None),
        CouncilMembership.invitation_nonce == invitation.nonce).values(
        accepted_at=utcnow(), invitation_nonce=None))).rowcount
    if not claimed:
        raise InvalidTransition(_l("This invitation link no longer works."))
    db.session.refresh(membership)
    record("council.invitation_accepted", membership, round_id=membership.round_id, actor=actor)


def pending_invitations(user: User) -> list[tuple[CouncilMembership, str | None]]:
    """The user's invitations not yet accepted, each with a working link for this user, who is signed in (None
    once it has expired: the secretariat sends it again). The way back for a new account, whose first password
    ends the link in the e-mail."""
    # The memberships and their rounds come with the signed-in user (accounts.sessions.load_user): no query.
    pending = sorted((m for m in user.council_memberships if m.accepted_at is None and m.withdrawn_at is None),
                     key=lambda m: m.id)
    return [(m, None if invitation_expired(m) or not m.invitation_nonce else invitation_token(m))
            for m in pending if not m.round.is_frozen]


def add_member(round_: Round, user: User, *, is_chair: bool, actor, expertise: list[str] | None = None,
               cap: int | None = None) -> CouncilMembership:
    """Invite and accept at once: for members who accepted on paper (and for the demo)."""
    membership = invite_member(round_, user, is_chair=is_chair, expertise=expertise, cap=cap, actor=actor)
    membership.accepted_at, membership.invitation_nonce = utcnow(), None
    return membership


def withdraw_member(membership: CouncilMembership, *, actor) -> Plan | Infeasible | None:
    """A juror leaves the council: dossiers they have not scored get other jurors automatically."""
    round_ = membership.round
    _require_not_frozen(round_)
    membership.withdrawn_at = utcnow()
    open_assignments = db.session.scalars(select(Assignment).where(
        Assignment.round_id == round_.id, Assignment.juror_id == membership.user_id,
        Assignment.submitted_at.is_(None))).all()
    for assignment in open_assignments:
        db.session.delete(assignment)
    db.session.flush()
    record("council.member_withdrawn", membership, round_id=round_.id, actor=actor, user=membership.user_id,
           reassigned=[a.nomination_id for a in open_assignments])
    if open_assignments and round_.state in ASSIGNING_ROUND_STATES:
        return auto_assign(round_, actor=actor)
    return None


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
        lifecycle.send_to_council(nomination, actor=actor)
    record("assignment.added", assignment, round_id=round_.id, actor=actor, nomination=nomination.id,
           juror=juror.id)
    return assignment


def unassign(assignment: Assignment, *, actor) -> None:
    """The juror loses access; a sheet they submitted stays on record but no longer counts."""
    _require_not_frozen(assignment.nomination.round)
    record("assignment.removed", assignment, round_id=assignment.round_id, actor=actor,
           nomination=assignment.nomination_id, juror=assignment.juror_id)
    db.session.delete(assignment)


def set_pinned(assignment: Assignment, pinned: bool, *, actor) -> None:
    _require_not_frozen(assignment.nomination.round)
    if assignment.pinned != pinned:
        assignment.pinned = pinned
        record("assignment.pinned" if pinned else "assignment.unpinned", assignment, round_id=assignment.round_id,
               actor=actor, nomination=assignment.nomination_id, juror=assignment.juror_id)


# -- conflicts of interest ---------------------------------------------------------------------

BLOCKING = (ConflictStatus.PENDING, ConflictStatus.CONFIRMED)


def blocking_pairs(round_: Round) -> set[tuple[int, int]]:
    """(nomination, juror) pairs with a pending or confirmed conflict: never assigned automatically."""
    return {(nomination_id, juror_id) for nomination_id, juror_id in db.session.execute(
        select(Conflict.nomination_id, Conflict.juror_id).where(
            Conflict.round_id == round_.id, Conflict.status.in_(BLOCKING)))}


def set_aside_pairs(round_: Round) -> set[tuple[int, int]]:
    """Pairs whose juror has lost access to the dossier and whose score does not count (Conflict.sets_juror_aside:
    confirmed, or declared and not decided yet)."""
    return {(nomination_id, juror_id) for nomination_id, juror_id in db.session.execute(
        select(Conflict.nomination_id, Conflict.juror_id).where(
            Conflict.round_id == round_.id, Conflict.sets_juror_aside()))}


def _dossier_facts(nomination: Nomination) -> conflicts.DossierFacts:
    details = nomination.details or {}
    organisation = details.get("school_name") or details.get("city_name") or nomination.applicant.organisation
    people = tuple(details.get(key) or "" for key in ("nominator_name", "nominator_contact", "referee_1_name",
                                                       "referee_1_contact", "referee_2_name", "referee_2_contact"))
    return conflicts.DossierFacts(organisation or "", nomination.province_id, people)


def _juror_facts(user: User) -> conflicts.JurorFacts:
    return conflicts.JurorFacts(user.full_name, user.email, user.organisation or "", user.province_id)


def competing_nominations(round_: Round) -> list[Nomination]:
    return list(db.session.scalars(select(Nomination).where(Nomination.round_id == round_.id,
                                                            Nomination.state.in_(ASSIGNABLE))
                                   .order_by(Nomination.id)))


def detect_conflicts(round_: Round, *, actor) -> list[Conflict]:
    """Propose the conflicts the data shows (organisation, province, nominator or referee)."""
    _require_not_frozen(round_)
    existing = {tuple(row) for row in db.session.execute(select(
        Conflict.nomination_id, Conflict.juror_id, Conflict.kind).where(
        Conflict.round_id == round_.id, Conflict.source == ConflictSource.DETECTED))}
    found = []
    members = [m.user for m in council(round_)]
    for nomination in competing_nominations(round_):
        facts = _dossier_facts(nomination)
        for juror in members:
            for kind, detail in conflicts.detect(_juror_facts(juror), facts):
                if (nomination.id, juror.id, ConflictKind(kind)) in existing:
                    continue
                conflict = Conflict(round_id=round_.id, nomination_id=nomination.id, juror_id=juror.id,
                                    kind=ConflictKind(kind), source=ConflictSource.DETECTED, detail=detail)
                db.session.add(conflict)
                found.append(conflict)
    db.session.flush()
    record("conflicts.detected", round_, round_id=round_.id, actor=actor, count=len(found))
    return found


def declare(round_: Round, juror: User, declared: list[tuple[int, ConflictKind, str]], *,
            nomination: Nomination | None = None) -> Declaration:
    """The juror's "no conflict except these", for the round or, on first opening, for one dossier."""
    _require_not_frozen(round_)
    known = {n.id for n in competing_nominations(round_)} | ({nomination.id} if nomination else set())
    for nomination_id, kind, detail in declared:
        if nomination_id not in known:
            raise InvalidTransition()
        if kind == ConflictKind.OTHER and not detail.strip():
            raise InvalidTransition(_l("Describe the conflict."))
        if not db.session.scalar(select(Conflict.id).where(
                Conflict.nomination_id == nomination_id, Conflict.juror_id == juror.id, Conflict.kind == kind,
                Conflict.source == ConflictSource.DECLARED)):
            db.session.add(Conflict(round_id=round_.id, nomination_id=nomination_id, juror_id=juror.id, kind=kind,
                                    source=ConflictSource.DECLARED, detail=nfc(detail or "")))
    declaration = db.session.scalar(_declarations(round_, juror, nomination))
    if declaration is None:
        declaration = Declaration(round_id=round_.id, juror_id=juror.id,
                                  nomination_id=nomination.id if nomination else None)
        db.session.add(declaration)
    db.session.flush()
    if declared:
        _tell_secretariat(round_, juror, declared)
    record("conflicts.declared", declaration, round_id=round_.id, actor=juror,
           nomination=nomination.id if nomination else None,
           conflicts=[[n, str(k), d] for n, k, d in declared])
    return declaration


def _declarations(round_: Round, juror, nomination: Nomination | None):
    query = select(Declaration).where(Declaration.round_id == round_.id, Declaration.juror_id == juror.id)
    if nomination is None:
        return query.where(Declaration.nomination_id.is_(None))
    return query.where(Declaration.nomination_id == nomination.id)


def _tell_secretariat(round_: Round, juror: User, declared: list) -> None:
    references = [n.reference for n in db.session.scalars(select(Nomination).where(
        Nomination.id.in_([nomination_id for nomination_id, _kind, _detail in declared])))]
    for staff in db.session.scalars(select(User).join(User.role_grants).where(RoleGrant.role == Role.SECRETARIAT)):
        notifications.queue(staff, "conflict_declared", round=round_, juror=juror, references=references,
                            link=notifications.link("jury.conflicts", round_id=round_.id))


def has_declared(round_: Round, juror, nomination: Nomination | None = None) -> bool:
    return db.session.scalar(_declarations(round_, juror, nomination).limit(1)) is not None


def decide_conflict(conflict: Conflict, confirm: bool, reason: str, *, actor) -> None:
    """Confirming takes the juror off the dossier and out of its score; rejecting gives both back."""
    _require_not_frozen(db.session.get_one(Round, conflict.round_id))
    old, decided_by = conflict.status, actor.id  # read before changing anything: no half-made row is flushed
    conflict.decided_by_id, conflict.decided_at, conflict.decision_reason = decided_by, utcnow(), nfc(reason or "")
    conflict.status = ConflictStatus.CONFIRMED if confirm else ConflictStatus.REJECTED
    record("conflict.decided", conflict, round_id=conflict.round_id, actor=actor, old=old, new=conflict.status,
           nomination=conflict.nomination_id, juror=conflict.juror_id, reason=conflict.decision_reason)


# -- automatic assignment ----------------------------------------------------------------------

def _tags(nomination: Nomination) -> frozenset[str]:
    details = nomination.details or {}
    tags = {str(nomination.round.programme_code)}
    tags.update(details.get("fields_of_work") or [])
    tags.update(details.get("outcomes") or [])
    if details.get("level"):
        tags.add(details["level"])
    return frozenset(tags)


def auto_assign(round_: Round, *, actor) -> Plan | Infeasible:
    """Give every competing dossier k jurors, keeping pinned and started assignments."""
    _require_not_frozen(round_)
    if round_.state not in ASSIGNING_ROUND_STATES:
        raise InvalidTransition(_l("Jurors are assigned after screening starts and before the council meets."))
    members = [m for m in council(round_) if m.is_active]
    if not members:
        raise InvalidTransition(_l("No juror has accepted the invitation yet."))
    member_ids = {m.user_id for m in members}
    nominations = competing_nominations(round_)
    current = db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)).all()
    blocked = blocking_pairs(round_)
    kept = {a for a in current if (a.pinned or a.started_at) and a.juror_id in member_ids
            and (a.nomination_id, a.juror_id) not in blocked}
    dossiers = [planner.Dossier(n.id, n.reference or str(n.id), _tags(n),
                                frozenset(a.juror_id for a in kept if a.nomination_id == n.id))
                for n in nominations]
    jurors = [planner.Juror(m.user_id, m.user.full_name, frozenset(m.expertise or []), m.cap) for m in members]
    result = planner.plan(dossiers, jurors, blocked, round_.jurors_per_nomination,
                          frozenset(code.value for code in ProgrammeCode))
    if isinstance(result, planner.Infeasible):
        record("assignment.auto_failed", round_, round_id=round_.id, actor=actor, reason=result.reason)
        return result
    for assignment in current:
        if assignment not in kept:
            db.session.delete(assignment)
    db.session.flush()
    kept_pairs = {(a.nomination_id, a.juror_id) for a in kept}
    for nomination in nominations:
        for juror_id in result.assignments[nomination.id]:
            if (nomination.id, juror_id) not in kept_pairs:
                db.session.add(Assignment(round_id=round_.id, nomination_id=nomination.id, juror_id=juror_id,
                                          created_by_id=actor.id))
        if nomination.state == NominationState.ELIGIBLE:
            lifecycle.send_to_council(nomination, actor=actor)
    db.session.flush()
    record("assignment.auto", round_, round_id=round_.id, actor=actor, dossiers=len(nominations),
           jurors=len(jurors), loads={str(k): v for k, v in result.loads.items()}, connected=result.connected,
           swaps=result.swaps, matches=result.expertise_matches)
    return result


def send_digests(round_: Round, *, actor) -> int:
    """One e-mail per juror listing all their dossiers, not one per assignment."""
    by_juror: dict[int, list[Nomination]] = {}
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)
                                         .order_by(Assignment.nomination_id)):
        by_juror.setdefault(assignment.juror_id, []).append(assignment.nomination)
    members = {m.user_id: m for m in council(round_) if m.is_active}
    sent = 0
    for juror_id, nominations in by_juror.items():
        if juror_id in members:
            notifications.queue(members[juror_id].user, "assignment_digest", round=round_, nominations=nominations,
                                link=notifications.link("scoring.dashboard"))
            sent += 1
    record("assignment.digests_sent", round_, round_id=round_.id, actor=actor, jurors=sent)
    return sent
