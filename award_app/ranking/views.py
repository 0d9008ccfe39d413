from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.jury.services import council
from award_app.ranking import aggregate, services
from award_app.ranking.forms import MeetingForm
from award_app.ranking.permissions import can_compute_ranking, can_record_meeting, can_view_ranking
from award_app.rounds.models import Round

bp = Blueprint("ranking", __name__, url_prefix="/ranking")

FLAG_NAMES = {
    aggregate.SPREAD: _l("spread between jurors"),
    aggregate.MISSING_SHEETS: _l("missing sheets"),
    aggregate.NO_SHEETS: _l("no sheet"),
    aggregate.TIE_UNRESOLVED: _l("tie: the chair decides"),
    aggregate.BELOW_PRIZE_THRESHOLD: _l("below the prize threshold"),
}


@bp.app_template_global()
def ranking_flag_name(flag: str) -> str:
    return str(FLAG_NAMES.get(flag, flag))


@bp.app_template_global()
def ranking_tie_break_name(tie_break: str) -> str:
    if tie_break.startswith(aggregate.CRITERION_PREFIX):
        return _("tie broken by criterion %(code)s", code=tie_break.removeprefix(aggregate.CRITERION_PREFIX))
    if tie_break == aggregate.MEDIAN:
        return _("tie broken by the median")
    return _("tie: the chair decides")


def grouped_rows(round_: Round, run) -> list[tuple]:
    """[(group, [rows…]), …] in the round's group order."""
    rows = services.run_rows(run) if run else []
    return [(g, [r for r in rows if r.group_id == g.id]) for g in round_.groups]


@bp.route("/round/<int:round_id>")
@login_required
def show(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_view_ranking(current_user, round_):
        abort(404)
    run = services.latest_run(round_)
    return render_template("ranking/show.html", round=round_, run=run, groups=grouped_rows(round_, run),
                           tiers={t.code: t for t in round_.tiers}, form=ActionForm(),
                           can_compute=can_compute_ranking(current_user, round_),
                           can_record=can_record_meeting(current_user, round_),
                           meeting=services.latest_meeting(round_))


@bp.route("/round/<int:round_id>/meeting", methods=["GET", "POST"])
@login_required
def meeting(round_id: int):
    """The chair records the council meeting: who was present, the vote, the minutes."""
    round_ = db.get_or_404(Round, round_id)
    if not can_record_meeting(current_user, round_):
        abort(404)
    members = [m for m in council(round_) if m.is_active]
    form = MeetingForm()
    form.present.choices = [SelectChoice(str(m.user_id), m.user.full_name) for m in members]
    if request.method == "GET":
        form.present.data = [str(m.user_id) for m in members]
    if form.validate_on_submit():
        try:
            services.record_meeting(round_, held_on=form.held_on.data, present_ids=[int(i) for i in form.present.data],
                                    votes_for=form.votes_for.data, votes_against=form.votes_against.data,
                                    minutes=form.minutes.data, actor=current_user._get_current_object())
        except InvalidTransition as refused:
            db.session.rollback()
            form.votes_for.errors.extend(str(m) for m in refused.messages)
        else:
            db.session.commit()
            flash(_("The minutes are recorded and the proposal goes to the approver."), "success")
            return redirect(url_for("ranking.show", round_id=round_.id))
    run = services.latest_run(round_)
    return render_template("ranking/meeting.html", round=round_, form=form, members=len(members), run=run,
                           groups=grouped_rows(round_, run), tiers={t.code: t for t in round_.tiers})


@bp.route("/round/<int:round_id>/compute", methods=["POST"])
@login_required
def compute(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_compute_ranking(current_user, round_):
        abort(404)
    run = services.compute(round_, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The ranking is computed from %(n)d entries.", n=len(run.rows)), "success")
    return redirect(url_for("ranking.show", round_id=round_.id))
