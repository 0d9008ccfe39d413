from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from award_app.accounts.models import CouncilMembership, User
from award_app.extensions import db
from award_app.jury import services
from award_app.jury.forms import AssignmentForm, CouncilMemberForm
from award_app.jury.models import Assignment
from award_app.jury.permissions import can_manage_council
from award_app.nominations.models import Entry, Nomination
from award_app.rounds.models import Round
from award_app.text import person_sort_key

bp = Blueprint("jury", __name__, url_prefix="/jury")


def _actor():
    return current_user._get_current_object()


def _managed_round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not can_manage_council(current_user, round_):
        abort(404)
    return round_


@bp.route("/round/<int:round_id>/council", methods=["GET", "POST"])
@login_required
def council(round_id: int):
    round_ = _managed_round(round_id)
    form = CouncilMemberForm()
    if form.validate_on_submit():
        user = services.juror_account(form.email.data, form.full_name.data, form.organisation.data or "",
                                      form.password.data, actor=_actor())
        services.add_member(round_, user, is_chair=form.is_chair.data, actor=_actor())
        db.session.commit()
        flash(_("%(name)s joins the council.", name=user.full_name), "success")
        return redirect(url_for("jury.council", round_id=round_.id))
    members = services.council(round_)
    return render_template("jury/council.html", round=round_, form=form, members=members)


@bp.route("/council/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_member(membership_id: int):
    membership = db.get_or_404(CouncilMembership, membership_id)
    _managed_round(membership.round_id)
    services.remove_member(membership, actor=_actor())
    db.session.commit()
    flash(_("%(name)s has left the council.", name=membership.user.full_name), "success")
    return redirect(url_for("jury.council", round_id=membership.round_id))


def _juror_choices(round_: Round) -> list[SelectChoice]:
    members = sorted((m.user for m in services.council(round_)), key=lambda u: person_sort_key(u.full_name))
    return [SelectChoice(str(u.id), u.full_name) for u in members]


@bp.route("/round/<int:round_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(round_id: int):
    round_ = _managed_round(round_id)
    form = AssignmentForm()
    form.juror_id.choices = _juror_choices(round_)
    if form.validate_on_submit():
        nomination = db.session.get(Nomination, int(form.nomination_id.data)) if form.nomination_id.data.isdigit() \
            else None
        juror = db.session.get(User, int(form.juror_id.data))
        if nomination is None or nomination.round_id != round_.id or juror is None:
            abort(404)
        services.assign(nomination, juror, actor=_actor())
        db.session.commit()
        flash(_("%(name)s is assigned to %(ref)s.", name=juror.full_name, ref=nomination.reference), "success")
        return redirect(url_for("jury.assignments", round_id=round_.id) + f"#n{nomination.id}")
    nominations = db.session.scalars(select(Nomination).where(
        Nomination.round_id == round_.id, Nomination.state.in_(services.ASSIGNABLE + ("scored", "proposed")))
        .options(selectinload(Nomination.entries).selectinload(Entry.group)).order_by(Nomination.reference)).all()
    assigned: dict[int, list[Assignment]] = {}
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)
                                         .options(selectinload(Assignment.juror))):
        assigned.setdefault(assignment.nomination_id, []).append(assignment)
    loads = {}
    for items in assigned.values():
        for a in items:
            loads[a.juror] = loads.get(a.juror, 0) + 1
    return render_template("jury/assignments.html", round=round_, form=form, nominations=nominations,
                           assigned=assigned, loads=loads, jurors=form.juror_id.choices)


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
