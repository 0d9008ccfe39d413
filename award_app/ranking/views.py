from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from award_app.bounds import query_number
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.i18n import localized
from award_app.jury.services import blocking_pairs, council
from award_app.ranking import aggregate, charts, quorum, services, statistics
from award_app.ranking.forms import MeetingForm
from award_app.ranking.permissions import can_compute_ranking, can_record_meeting, can_view_ranking
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_list_rounds

bp = Blueprint("ranking", __name__, url_prefix="/ranking")

FLAG_NAMES = {
    aggregate.SPREAD: _l("spread between jurors"),
    aggregate.MISSING_SHEETS: _l("missing sheets"),
    aggregate.NO_SHEETS: _l("no sheet"),
    aggregate.TIE_UNRESOLVED: _l("tie: the chair decides"),
    aggregate.BELOW_PRIZE_THRESHOLD: _l("below the prize threshold"),
}


METHOD_NAMES = {
    "mean": _l("the mean of the jurors' totals"),
    "median": _l("the median of the jurors' totals"),
    "trimmed": _l("the trimmed mean"),
    "normalised": _l("the normalised score"),
}


@bp.app_template_global()
def ranking_method_name(method: str) -> str:
    return str(METHOD_NAMES.get(method, method))


@bp.app_template_global()
def describe_alpha(value) -> str:
    return statistics.describe_alpha(value)


@bp.app_template_global()
def normalisation_reason(reason: str, names: dict[str, str]) -> str:
    code, _sep, juror = reason.partition(":")
    who = names.get(juror, _("a juror")) if juror else ""
    if code == statistics.GRAPH_NOT_CONNECTED:
        return _("the jurors do not all share dossiers with each other")
    if code == statistics.JUROR_TOO_FEW_SHEETS:
        return _("%(who)s scored fewer than 3 dossiers", who=who)
    return _("%(who)s gave every dossier the same total", who=who)


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


def conflicted_for_viewer(round_: Round) -> set[int]:
    """S2: the dossiers a council member has a pending or confirmed conflict with are not listed to them."""
    if can_list_rounds(current_user):
        return set()
    return {nomination_id for nomination_id, juror_id in blocking_pairs(round_) if juror_id == current_user.id}


def without(groups: list[tuple], hidden: set[int]) -> list[tuple]:
    if not hidden:
        return groups
    return [(g, [r for r in rows if r.entry.nomination_id not in hidden]) for g, rows in groups]


ALPHA_WORDS = {
    statistics.RELIABLE: _l("the jurors agree well (α ≥ 0.800): the scores can be relied on"),
    statistics.TENTATIVE: _l("the jurors agree only moderately (0.667 ≤ α < 0.800): read the close results with care"),
    statistics.UNRELIABLE: _l("the jurors disagree (α < 0.667): discuss the scores before deciding"),
    statistics.NOT_COMPUTABLE: _l("not computable: too few sheets"),
}


def criterion_names(round_: Round) -> dict[str, str]:
    """Each criterion code of the round's rubrics → its name in the reader's language (the figures kept with a
    run are keyed by code; groups whose rubrics give one code different names show them all)."""
    names: dict[str, list[str]] = {}
    for group in round_.groups:
        for criterion in group.rubric.criteria:
            name = localized(criterion, "name")
            if name not in names.setdefault(criterion.code, []):
                names[criterion.code].append(name)
    return {code: " / ".join(found) for code, found in names.items()}


def _charts(round_: Round, run) -> dict:
    """Distributions of the submitted totals per juror and of the points per criterion, from the figures kept
    with the run when it was computed (a run computed before they were kept has them worked out again)."""
    figures = run.parameters.get("charts") or services.chart_figures(round_, services.entry_scores(
        round_, [services.Competitor(row.entry_id, row.entry.nomination_id, row.group.code)
                 for row in services.run_rows(run)]))
    names = {m.user_id: m.user.full_name for m in council(round_)}
    staff = can_list_rounds(current_user)
    by_juror = sorted((int(j), totals) for j, totals in figures["totals"].items())
    rows = [(names.get(j, "?") if staff else _("Juror %(code)s", code=chr(65 + i % 26)), totals)
            for i, (j, totals) in enumerate(by_juror)]
    maximum = max((g.rubric.max_total for g in round_.groups), default=100)
    names = criterion_names(round_)
    bars = [(names[code], share) for code, share in figures["criteria"].items() if code in names]
    return {"jurors": charts.juror_strip(rows, maximum, _("Totals given by each juror")),
            "criteria": charts.criterion_bars(bars, _("Mean points per criterion, as a share of its maximum"))}


def _hide_names(round_: Round) -> bool:
    """Jurors of a blind round see references only, here too."""
    return round_.blind and not can_list_rounds(current_user)


def _juror_names(round_: Round) -> dict[str, str]:
    if not can_list_rounds(current_user):
        return {}
    return {str(m.user_id): m.user.full_name for m in council(round_)}


# The ranking page shows this many rows a page, in the run's order (group by group).
RANKING_PAGE_SIZE = 250


def _page_of_rows(round_: Round, run) -> tuple[int, int, list[tuple]]:
    """(page, pages, [(group, rows on this page)]); a group with no entry at all shows on the first page."""
    if run is None:
        return 1, 1, []
    count = services.run_row_count(run)
    pages = max(1, -(-count // RANKING_PAGE_SIZE))
    page = min(pages, max(1, query_number("page", default=1)))
    rows = services.run_rows(run, offset=(page - 1) * RANKING_PAGE_SIZE, limit=RANKING_PAGE_SIZE)
    ranked_groups = services.run_group_ids(run)
    return page, pages, [(g, [r for r in rows if r.group_id == g.id]) for g in round_.groups
                         if any(r.group_id == g.id for r in rows) or (page == 1 and g.id not in ranked_groups)]


@bp.route("/round/<int:round_id>")
@login_required
def show(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_view_ranking(current_user, round_):
        abort(404)
    run = services.latest_run(round_)
    hidden = conflicted_for_viewer(round_)
    page, pages, groups = _page_of_rows(round_, run)
    return render_template("ranking/show.html", round=round_, run=run, groups=without(groups, hidden), page=page,
                           pages=pages, hidden_for_conflict=len(hidden),
                           charts=_charts(round_, run) if run else None, juror_names=_juror_names(round_),
                           alpha_words=ALPHA_WORDS, hide_names=_hide_names(round_),
                           criterion_names=criterion_names(round_) if run else {},
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
            no_quorum = str(services.MEETING_MESSAGES["no_quorum"](quorum.needed(quorum.QUORUM, len(members))))
            for message in map(str, refused.messages):  # the quorum is said beside who was present
                (form.present if message == no_quorum else form.votes_for).errors.append(message)
        else:
            db.session.commit()
            flash(_("The minutes are recorded and the proposal goes to the approver."), "success")
            return redirect(url_for("ranking.show", round_id=round_.id))
    run = services.latest_run(round_)
    hidden = conflicted_for_viewer(round_)
    return render_template("ranking/meeting.html", round=round_, form=form, members=len(members), run=run,
                           groups=without(grouped_rows(round_, run), hidden), hidden_for_conflict=len(hidden),
                           tiers={t.code: t for t in round_.tiers},
                           hide_names=_hide_names(round_))


@bp.route("/round/<int:round_id>/compute", methods=["POST"])
@login_required
def compute(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_compute_ranking(current_user, round_):
        abort(404)
    run = services.compute(round_, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The ranking is computed from %(n)d entries.", n=services.run_row_count(run)), "success")
    return redirect(url_for("ranking.show", round_id=round_.id))
