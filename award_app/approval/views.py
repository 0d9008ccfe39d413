from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.approval import services
from award_app.approval.forms import ApprovalForm
from award_app.approval.models import Decision
from award_app.approval.permissions import can_approve
from award_app.extensions import db
from award_app.ranking.services import latest_meeting, latest_run
from award_app.ranking.views import grouped_rows
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_list_rounds

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
        services.approve(round_, run, number=form.number.data, signed_on=form.signed_on.data,
                         signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                         actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The results are approved. The round is frozen."), "success")
        return redirect(url_for("approval.approve", round_id=round_.id))
    return render_template("approval/approve.html", round=round_, run=run, decision=decision, form=form,
                           meeting=latest_meeting(round_),
                           can_approve=allowed, groups=grouped_rows(round_, run),
                           tiers={t.code: t for t in round_.tiers})
