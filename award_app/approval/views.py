from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.accounts.step_up import step_up
from award_app.approval import services
from award_app.approval.forms import ApprovalForm, ReturnForm, RevocationForm, ScanForm
from award_app.approval.models import Decision
from award_app.approval.permissions import can_approve
from award_app.bounds import whole_number
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.nominations.models import Entry
from award_app.ranking.services import latest_meeting, latest_run, run_rows
from award_app.ranking.views import grouped_rows
from award_app.rounds.models import Round, RoundState
from award_app.rounds.permissions import can_approve_round, can_list_rounds, can_manage_rounds
from award_app.storage import content_key, current_storage

bp = Blueprint("approval", __name__, url_prefix="/approval")


@bp.route("/round/<int:round_id>", methods=["GET", "POST"])
@login_required
def approve(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_list_rounds(current_user):
        abort(404)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    run = decision.ranking_run if decision else latest_run(round_)
    allowed = can_approve(current_user, round_)
    form = ApprovalForm()
    if form.validate_on_submit():
        if not allowed:
            abort(404)
        if (asked := step_up()) is not None:
            return asked
        services.approve(round_, run, number=form.number.data, signed_on=form.signed_on.data,
                         signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                         actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The results are approved. The round is frozen."), "success")
        return redirect(url_for("approval.approve", round_id=round_.id))
    return render_template("approval/approve.html", round=round_, run=run, decision=decision, form=form,
                           meeting=latest_meeting(round_), return_form=ReturnForm(), scan_form=ScanForm(),
                           revocation_form=RevocationForm(), action_form=ActionForm(),
                           can_manage=can_approve_round(current_user, round_) or can_manage_rounds(current_user),
                           can_approve=allowed, groups=grouped_rows(round_, run),
                           tiers={t.code: t for t in round_.tiers})


def _approver_round(round_id: int, allowed) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not allowed(current_user, round_):
        abort(404)
    return round_


def _may_decide(user, round_) -> bool:
    return can_approve_round(user, round_)


def _may_publish(user, round_) -> bool:
    return can_approve_round(user, round_) or can_manage_rounds(user)


@bp.route("/round/<int:round_id>/return", methods=["POST"])
@login_required
def return_proposal(round_id: int):
    round_ = _approver_round(round_id, can_approve)
    form = ReturnForm()
    if not form.validate_on_submit():
        flash(_("Give the council the reason for returning the proposal."), "error")
    else:
        services.return_proposal(round_, form.reason.data, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The proposal is returned to the council."), "success")
    return redirect(url_for("approval.approve", round_id=round_.id))


@bp.route("/round/<int:round_id>/scan", methods=["POST"])
@login_required
def upload_scan(round_id: int):
    round_ = _approver_round(round_id, _may_publish)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    form = ScanForm()
    if decision is None:
        abort(404)
    if not form.validate_on_submit() or not form.scan.data:
        flash(_("Choose the scanned PDF of the signed decision."), "error")
    else:
        services.attach_scan(decision, form.scan.data.stream, form.scan.data.filename or "",
                             actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The signed decision is kept with the approval."), "success")
    return redirect(url_for("approval.approve", round_id=round_.id))


@bp.route("/round/<int:round_id>/scan.pdf")
@login_required
def scan(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    if decision is None or not decision.scan_sha256 or not can_list_rounds(current_user):
        abort(404)
    return current_storage().send(content_key(decision.scan_sha256), mimetype="application/pdf",
                                  download_name=scan_download_name(round_))


def scan_download_name(round_: Round) -> str:
    """Made by the server, never the uploader's file name (which could say `.html` or carry a path)."""
    return f"quyet-dinh-da-ky-{round_.programme.ref_prefix.lower()}-{round_.year}-{round_.edition}.pdf"


@bp.route("/round/<int:round_id>/publish", methods=["POST"])
@login_required
def publish(round_id: int):
    round_ = _approver_round(round_id, _may_publish)
    if (asked := step_up()) is not None:
        return asked
    services.publish(round_, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The results are published on the public results page."), "success")
    return redirect(url_for("approval.results", round_id=round_.id))


@bp.route("/round/<int:round_id>/revoke", methods=["POST"])
@login_required
def revoke(round_id: int):
    round_ = _approver_round(round_id, _may_decide)
    form = RevocationForm()
    entry_id = whole_number(form.entry_id.data)
    entry = db.session.get(Entry, entry_id) if entry_id is not None else None
    if entry is None or entry.nomination.round_id != round_.id:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Give the reason and the reference of the revocation decision."), "error")
    elif (asked := step_up()) is not None:
        return asked
    else:
        services.revoke(entry, form.reason.data, form.decision_reference.data, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The award of %(ref)s is revoked.", ref=entry.nomination.reference), "success")
    return redirect(url_for("approval.approve", round_id=round_.id))


@bp.route("/results/<int:round_id>")
def results(round_id: int):
    """Public: the winners per ranking group, prize tiers and ASEAN nominees; no juror's score."""
    round_ = db.get_or_404(Round, round_id)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    if round_.state != RoundState.PUBLISHED or decision is None:
        abort(404)
    rows = [row for row in run_rows(decision.ranking_run) if row.tier_code or row.asean_nominee]
    groups = [(g, [r for r in rows if r.group_id == g.id]) for g in round_.groups]
    return render_template("approval/results.html", round=round_, decision=decision, groups=groups,
                           tiers={t.code: t for t in round_.tiers})
