from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.eligibility import services
from award_app.eligibility.forms import ScreeningForm
from award_app.eligibility.models import ScreeningOutcome
from award_app.eligibility.permissions import can_screen
from award_app.extensions import db
from award_app.nominations.models import AWAITING_SCREENING, Entry, Nomination, NominationState
from award_app.nominations.views import nomination_or_404, nomination_state_name
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_manage_rounds

bp = Blueprint("eligibility", __name__, url_prefix="/screening")


@bp.route("/round/<int:round_id>")
@login_required
def queue(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_manage_rounds(current_user):
        abort(404)
    nominations = db.session.scalars(select(Nomination).where(
        Nomination.round_id == round_id, Nomination.state.not_in((NominationState.DRAFT, NominationState.WITHDRAWN)))
        .options(selectinload(Nomination.entries).selectinload(Entry.group), selectinload(Nomination.province))
        .order_by(Nomination.reference)).all()
    waiting = [n for n in nominations if n.state in AWAITING_SCREENING]
    decided = [n for n in nominations if n not in waiting]
    return render_template("eligibility/queue.html", round=round_, waiting=waiting, decided=decided,
                           screening_open=round_.state in services.SCREENING_ROUND_STATES)


@bp.route("/nominations/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def decide(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_screen)
    form = ScreeningForm()
    if form.validate_on_submit():
        services.screen(nomination, ScreeningOutcome(form.outcome.data), form.reason.data or "",
                        actor=current_user._get_current_object())
        db.session.commit()
        flash(_("%(ref)s is marked %(outcome)s.", ref=nomination.reference,
                outcome=nomination_state_name(nomination.state)), "success")
        return redirect(url_for("eligibility.queue", round_id=nomination.round_id))
    return render_template("eligibility/decide.html", nomination=nomination, form=form)
