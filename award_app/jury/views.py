from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership, User
from award_app.accounts.views import safe_next
from award_app.bounds import whole_number
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.jury import services
from award_app.jury.forms import (
    CONFLICT_KINDS,
    AssignmentForm,
    ConflictDecisionForm,
    CouncilMemberForm,
    DossierConflictForm,
)
from award_app.jury.models import Assignment, Conflict, ConflictKind, ConflictStatus
from award_app.jury.permissions import can_declare, can_manage_council, is_assigned
from award_app.jury.planner import Infeasible
from award_app.nominations.models import Entry, Nomination
from award_app.nominations.rules import ASSIGNABLE
from award_app.rounds.models import Round
from award_app.rounds.services import provinces_valid_on
from award_app.text import person_sort_key

bp = Blueprint("jury", __name__, url_prefix="/jury")


def _actor():
    return current_user._get_current_object()


def _managed_round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not can_manage_council(current_user, round_):
        abort(404)
    return round_


def infeasible_message(result: Infeasible) -> str:
    details = result.details
    if result.kind == "too_few_jurors":
        return _("Only %(free)d jurors have no conflict with %(dossier)s; %(k)d are needed.", free=details["free"],
                 dossier=details["dossier"], k=details["k"])
    if result.kind == "pins":
        return _("%(dossier)s has more pinned jurors than the round allows, or one has left.",
                 dossier=details["dossier"])
    if "capacity" in details:
        return _("The jurors' limits allow %(capacity)d assignments; %(needed)d are needed.",
                 capacity=details["capacity"], needed=details["needed"])
    return _("No assignment gives every dossier its jurors within the load limits.")


# -- the council -----------------------------------------------------------------------------

@bp.route("/round/<int:round_id>/council", methods=["GET", "POST"])
@login_required
def council(round_id: int):
    round_ = _managed_round(round_id)
    form = CouncilMemberForm()
    form.province_id.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(p.id, p.name) for p in provinces_valid_on(utcnow().date())]
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data) or accounts.create_staff_account(
            email=form.email.data, password=accounts.unusable_password(), full_name=form.full_name.data,
            organisation=form.organisation.data or "", roles=set(), actor=_actor())
        if form.province_id.data and not user.province_id:
            user.province_id = form.province_id.data
        services.invite_member(round_, user, is_chair=form.is_chair.data, expertise=form.expertise.data,
                               cap=form.cap.data, actor=_actor())
        db.session.commit()
        flash(_("%(name)s is invited by e-mail; they see the round once they accept.", name=user.full_name),
              "success")
        return redirect(url_for("jury.council", round_id=round_.id))
    members = services.council(round_)
    return render_template("jury/council.html", round=round_, form=form, members=members, action_form=ActionForm(),
                           days=current_app.config["INVITATION_DAYS"],
                           expired={m.id for m in members if m.accepted_at is None and services.invitation_expired(m)})


@bp.route("/council/<int:membership_id>/withdraw", methods=["POST"])
@login_required
def withdraw_member(membership_id: int):
    membership = db.get_or_404(CouncilMembership, membership_id)
    _managed_round(membership.round_id)
    result = services.withdraw_member(membership, actor=_actor())
    db.session.commit()
    flash(_("%(name)s has left the council.", name=membership.user.full_name), "success")
    if isinstance(result, Infeasible):
        flash(infeasible_message(result), "error")
    return redirect(url_for("jury.council", round_id=membership.round_id))


@bp.route("/council/<int:membership_id>/resend", methods=["POST"])
@login_required
def resend_invitation(membership_id: int):
    membership = db.get_or_404(CouncilMembership, membership_id)
    _managed_round(membership.round_id)
    services.resend_invitation(membership, actor=_actor())
    db.session.commit()
    flash(_("The invitation is sent again to %(name)s; the earlier link no longer works.",
            name=membership.user.full_name), "success")
    return redirect(url_for("jury.council", round_id=membership.round_id))


def invitation_problem_message(problem: str) -> str:
    if problem == services.ACCEPTED:
        return _("You have already accepted this invitation.")
    if problem == services.EXPIRED:
        return _("This invitation has expired. Ask the secretariat to send it again.")
    if problem in (services.WITHDRAWN, services.FROZEN):
        return _("This invitation can no longer be accepted.")
    return _("This invitation link no longer works (a newer one was sent, or your password changed). "
             "Your home page shows the invitations still open.")


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The invitee, signed in with their own password, accepts once. The link never signs anyone in:
    a visitor who is not signed in is sent to sign in (or to choose a first password) and comes back."""
    if not current_user.is_authenticated:
        flash(_("Sign in to accept the invitation to the selection council. No password yet? Choose "
                "“Forgot your password?” to receive a link to set one, then sign in: your home page lists the "
                "invitation."), "info")
        return redirect(url_for("accounts.login", next=request.path))
    invitation = services.read_invitation(token)
    if invitation is None:
        abort(404)
    membership = invitation.membership
    if membership.user_id != current_user.id:
        services.record_refused_invitation(membership, services.ANOTHER_ACCOUNT, actor=_actor())
        db.session.commit()
        abort(404)
    if invitation.problem is not None:
        services.record_refused_invitation(membership, invitation.problem, actor=_actor())
        db.session.commit()
        flash(invitation_problem_message(invitation.problem),
              "info" if invitation.problem == services.ACCEPTED else "error")
        return redirect(url_for("dashboard.home"))
    form = ActionForm()
    if form.validate_on_submit():
        services.accept_invitation(invitation, actor=_actor())
        db.session.commit()
        flash(_("Welcome to the council. Declare your conflicts of interest before opening any dossier."),
              "success")
        return redirect(url_for("jury.declaration", round_id=membership.round_id))
    return render_template("jury/accept.html", membership=membership, form=form)


# -- declarations and conflicts ----------------------------------------------------------------

def _declarable_round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not can_declare(current_user, round_):
        abort(404)
    return round_


@bp.route("/round/<int:round_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(round_id: int):
    """"No conflict of interest, except these": over the round's list of dossiers, before opening any.
    In a blind round the juror sees only what jurors may see."""
    round_ = _declarable_round(round_id)
    nominations = services.competing_nominations(round_)
    form = ActionForm()
    if form.validate_on_submit():
        declared = []
        for nomination in nominations:
            kind = request.form.get(f"conflict-{nomination.id}", "")
            if kind:
                declared.append((nomination.id, ConflictKind(kind), request.form.get(f"detail-{nomination.id}", "")))
        services.declare(round_, _actor(), declared)
        db.session.commit()
        flash(_("Your declaration is recorded (%(n)d conflicts declared).", n=len(declared)), "success")
        return redirect(url_for("scoring.dashboard"))
    return render_template("jury/declaration.html", round=round_, nominations=nominations, form=form,
                           kinds=CONFLICT_KINDS, declared=services.has_declared(round_, current_user))


@bp.route("/nominations/<int:nomination_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(nomination_id: int):
    """On first opening an assigned dossier, the juror confirms again that there is no conflict."""
    nomination = db.get_or_404(Nomination, nomination_id)
    if not is_assigned(current_user, nomination):
        abort(404)
    form = DossierConflictForm()
    if form.validate_on_submit():
        declared = []
        if form.has_conflict.data == "yes":
            declared.append((nomination.id, ConflictKind(form.kind.data), form.detail.data or ""))
        services.declare(nomination.round, _actor(), declared, nomination=nomination)
        db.session.commit()
        if declared:
            flash(_("Your conflict is declared; the secretariat is told and will give the dossier to another juror."),
                  "success")
            return redirect(url_for("scoring.dashboard"))
        return redirect(safe_next(request.args.get("next"), url_for("scoring.dashboard")))
    return render_template("jury/confirm.html", nomination=nomination, form=form)


@bp.route("/round/<int:round_id>/conflicts", methods=["GET", "POST"])
@login_required
def conflicts(round_id: int):
    round_ = _managed_round(round_id)
    form = ActionForm()
    if form.validate_on_submit():
        found = services.detect_conflicts(round_, actor=_actor())
        db.session.commit()
        flash(_("%(n)d possible conflicts found in the data; confirm or reject each.", n=len(found)), "success")
        return redirect(url_for("jury.conflicts", round_id=round_.id))
    items = db.session.scalars(select(Conflict).where(Conflict.round_id == round_.id).options(
        selectinload(Conflict.nomination), selectinload(Conflict.juror)).order_by(Conflict.status, Conflict.id)).all()
    return render_template("jury/conflicts.html", round=round_, conflicts=items, form=form,
                           decision_form=ConflictDecisionForm(), kinds={c.value: c.label for c in CONFLICT_KINDS})


@bp.route("/conflicts/<int:conflict_id>", methods=["POST"])
@login_required
def decide_conflict(conflict_id: int):
    conflict = db.get_or_404(Conflict, conflict_id)
    round_ = _managed_round(conflict.round_id)
    form = ConflictDecisionForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for your decision."), "error")
    else:
        services.decide_conflict(conflict, form.decision.data == "confirm", form.reason.data, actor=_actor())
        db.session.commit()
        flash(_("The conflict is confirmed: the juror no longer sees the dossier and their score does not count.")
              if conflict.status == ConflictStatus.CONFIRMED else _("The conflict is rejected."), "success")
    return redirect(url_for("jury.conflicts", round_id=round_.id))


# -- assignment --------------------------------------------------------------------------------

def _juror_choices(round_: Round) -> list[SelectChoice]:
    members = sorted((m.user for m in services.council(round_) if m.is_active),
                     key=lambda u: person_sort_key(u.full_name))
    return [SelectChoice(str(u.id), u.full_name) for u in members]


@bp.route("/round/<int:round_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(round_id: int):
    round_ = _managed_round(round_id)
    form = AssignmentForm()
    form.juror_id.choices = _juror_choices(round_)
    if form.validate_on_submit():
        nomination_id, juror_id = whole_number(form.nomination_id.data), whole_number(form.juror_id.data)
        nomination = db.session.get(Nomination, nomination_id) if nomination_id is not None else None
        juror = db.session.get(User, juror_id) if juror_id is not None else None
        if nomination is None or nomination.round_id != round_.id or juror is None:
            abort(404)
        services.assign(nomination, juror, actor=_actor())
        db.session.commit()
        flash(_("%(name)s is assigned to %(ref)s.", name=juror.full_name, ref=nomination.reference), "success")
        return redirect(url_for("jury.assignments", round_id=round_.id) + f"#n{nomination.id}")
    nominations = db.session.scalars(select(Nomination).where(
        Nomination.round_id == round_.id, Nomination.state.in_(ASSIGNABLE))
        .options(selectinload(Nomination.entries).selectinload(Entry.group)).order_by(Nomination.reference)).all()
    assigned: dict[int, list[Assignment]] = {}
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)
                                         .options(selectinload(Assignment.juror))):
        assigned.setdefault(assignment.nomination_id, []).append(assignment)
    loads: dict = {}
    for items in assigned.values():
        for a in items:
            loads[a.juror] = loads.get(a.juror, 0) + 1
    return render_template("jury/assignments.html", round=round_, form=form, nominations=nominations,
                           assigned=assigned, loads=loads, jurors=form.juror_id.choices, action_form=ActionForm(),
                           blocked=services.blocking_pairs(round_))


@bp.route("/round/<int:round_id>/assignments/auto", methods=["POST"])
@login_required
def auto_assign(round_id: int):
    round_ = _managed_round(round_id)
    result = services.auto_assign(round_, actor=_actor())
    db.session.commit()
    if isinstance(result, Infeasible):
        flash(infeasible_message(result), "error")
    else:
        low, high = min(result.loads.values(), default=0), max(result.loads.values(), default=0)
        flash(_("Every dossier has %(k)d jurors. Loads from %(low)d to %(high)d dossiers; %(matches)d assignments "
                "match the juror's expertise; the jurors form %(graph)s.", k=round_.jurors_per_nomination, low=low,
                high=high, matches=result.expertise_matches,
                graph=_("one connected group") if result.connected else _("separate groups")), "success")
    return redirect(url_for("jury.assignments", round_id=round_.id))


@bp.route("/round/<int:round_id>/assignments/digests", methods=["POST"])
@login_required
def send_digests(round_id: int):
    round_ = _managed_round(round_id)
    sent = services.send_digests(round_, actor=_actor())
    db.session.commit()
    flash(_("%(n)d jurors are sent the list of their dossiers, one e-mail each.", n=sent), "success")
    return redirect(url_for("jury.assignments", round_id=round_.id))


@bp.route("/assignments/<int:assignment_id>/pin", methods=["POST"])
@login_required
def toggle_pin(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    round_ = _managed_round(assignment.round_id)
    services.set_pinned(assignment, not assignment.pinned, actor=_actor())
    db.session.commit()
    return redirect(url_for("jury.assignments", round_id=round_.id) + f"#n{assignment.nomination_id}")


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@login_required
def unassign(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    round_ = _managed_round(assignment.round_id)
    services.unassign(assignment, actor=_actor())
    db.session.commit()
    flash(_("The assignment is removed; a sheet this juror submitted for the dossier no longer counts."),
          "success")
    return redirect(url_for("jury.assignments", round_id=round_.id))
