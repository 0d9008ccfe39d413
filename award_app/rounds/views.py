
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from award_app.bounds import sent_version, whole_number
from award_app.clock import today_in_vietnam
from award_app.errors import DomainError, StaleEdit
from award_app.extensions import db
from award_app.i18n import localized
from award_app.rounds import services
from award_app.rounds.forms import (
    CalendarDayForm,
    CriteriaForm,
    GroupsForm,
    IndicatorForm,
    QuotasForm,
    RoundCreateForm,
    RoundSettingsForm,
    TiersForm,
    TransitionForm,
)
from award_app.rounds.models import (
    CalendarDay,
    CalendarDayKind,
    Programme,
    ProgrammeCode,
    RankingGroup,
    RankingMethod,
    Round,
    RoundState,
    Rubric,
    ScoreVisibility,
)
from award_app.rounds.permissions import (
    can_advance_round,
    can_edit_calendar,
    can_edit_round,
    can_list_rounds,
    can_manage_rounds,
    can_view_round,
)
from award_app.rounds.services import ROUND_SETTINGS

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

ROUND_STATE_NAMES = {
    RoundState.DRAFT: _l("draft"),
    RoundState.OPEN: _l("open for nominations"),
    RoundState.CLOSED: _l("call closed"),
    RoundState.SCREENING: _l("screening"),
    RoundState.SCORING: _l("scoring"),
    RoundState.COUNCIL: _l("council"),
    RoundState.APPROVED: _l("approved"),
    RoundState.PUBLISHED: _l("published"),
}
ROUND_ACTION_NAMES = {
    RoundState.OPEN: _l("Open the call for nominations"),
    RoundState.CLOSED: _l("Close the call"),
    RoundState.SCREENING: _l("Start screening"),
    RoundState.SCORING: _l("Start scoring"),
    RoundState.COUNCIL: _l("Hand over to the council"),
}


@bp.app_template_global()
def round_state_name(state: RoundState) -> str:
    return str(ROUND_STATE_NAMES[state])


@bp.app_template_global()
def round_action_name(state: RoundState) -> str:
    return str(ROUND_ACTION_NAMES[state])


def _actor():
    return current_user._get_current_object()


def _round_or_404(round_id: int, permission) -> Round:
    """A round the user may not see answers exactly like a missing one."""
    query = select(Round).where(Round.id == round_id).options(
        selectinload(Round.groups).selectinload(RankingGroup.rubric),
        selectinload(Round.rubrics).selectinload(Rubric.criteria),
        selectinload(Round.tiers), selectinload(Round.quotas), selectinload(Round.checklist),
    )
    round_ = db.session.scalar(query)
    if round_ is None or not permission(current_user, round_):
        abort(404)
    return round_


def _require(allowed: bool) -> None:
    if not allowed:
        abort(404)


@bp.route("/")
@login_required
def index():
    _require(can_list_rounds(current_user))
    programmes = db.session.scalars(
        select(Programme).order_by(Programme.position).options(selectinload(Programme.rounds))
    ).all()
    return render_template("rounds/index.html", programmes=programmes, can_manage=can_manage_rounds(current_user))


@bp.route("/new/<programme_code>", methods=["GET", "POST"])
@login_required
def create(programme_code: str):
    _require(can_manage_rounds(current_user))
    if programme_code not in set(ProgrammeCode):
        abort(404)
    programme = db.get_or_404(Programme, ProgrammeCode(programme_code))
    form = RoundCreateForm()
    if request.method == "GET":
        form.edition.data = services.next_edition(programme)
        form.year.data = services.next_year(programme, today_in_vietnam().year)
    if form.validate_on_submit():
        if any(r.edition == form.edition.data for r in programme.rounds):
            form.edition.errors.append(_("This programme already has a round with this edition number."))
        else:
            round_ = services.create_round(programme, edition=form.edition.data, year=form.year.data, actor=_actor())
            db.session.commit()
            flash(_("The round is created as a draft from the programme's defaults."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return render_template("rounds/create.html", form=form, programme=programme, source=None)


@bp.route("/<int:round_id>/copy", methods=["GET", "POST"])
@login_required
def copy(round_id: int):
    source = _round_or_404(round_id, can_view_round)
    _require(can_manage_rounds(current_user))
    form = RoundCreateForm()
    if request.method == "GET":
        form.edition.data = services.next_edition(source.programme)
        form.year.data = services.next_year(source.programme, today_in_vietnam().year)
    if form.validate_on_submit():
        if any(r.edition == form.edition.data for r in source.programme.rounds):
            form.edition.errors.append(_("This programme already has a round with this edition number."))
        else:
            round_ = services.copy_round(source, edition=form.edition.data, year=form.year.data, actor=_actor())
            db.session.commit()
            flash(_("The round is copied as a new draft. Set the dates of its call."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return render_template("rounds/create.html", form=form, programme=source.programme, source=source)


@bp.route("/<int:round_id>")
@login_required
def show(round_id: int):
    round_ = _round_or_404(round_id, can_view_round)
    return render_template(
        "rounds/show.html", round=round_, can_edit=can_edit_round(current_user, round_),
        can_advance=can_advance_round(current_user, round_), transition_form=TransitionForm(),
        can_manage=can_manage_rounds(current_user),
    )


CRITERION_FIELDS = ("name_vi", "name_en", "description_vi", "description_en", "max_points")


def _is_filled(row) -> bool:
    """An untouched empty row of the criteria form is not a criterion."""
    return bool(row["id"].data or row["name_vi"].data or row["name_en"].data)


@bp.route("/<int:round_id>/settings", methods=["GET", "POST"])
@login_required
def edit_settings(round_id: int):
    round_ = _round_or_404(round_id, can_edit_round)
    form = RoundSettingsForm(obj=round_ if request.method == "GET" else None)
    if round_.programme_code == ProgrammeCode.CITY:
        del form.blind
    if request.method == "GET":
        form.score_visibility.data = round_.score_visibility.value
        form.ranking_method.data = round_.ranking_method.value
    if form.validate_on_submit():
        values = {name: form[name].data for name in ROUND_SETTINGS if name in form}
        values["score_visibility"] = ScoreVisibility(values["score_visibility"])
        values["ranking_method"] = RankingMethod(values["ranking_method"])
        for text_field in ("theme_vi", "theme_en", "founding_decision"):
            values[text_field] = values[text_field] or ""
        try:
            services.update_round_settings(round_, values, version=sent_version(form.version.data), actor=_actor())
        except StaleEdit as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    form.version.data = form.version.data or round_.version
    return render_template("rounds/settings.html", form=form, round=round_)


@bp.route("/<int:round_id>/rubrics/<int:rubric_id>", methods=["GET", "POST"])
@login_required
def edit_rubric(round_id: int, rubric_id: int):
    round_ = _round_or_404(round_id, can_edit_round)
    rubric = next((r for r in round_.rubrics if r.id == rubric_id), None)
    if rubric is None:
        abort(404)
    form = CriteriaForm()
    if request.method == "GET":
        for criterion in rubric.criteria:
            form.criteria.append_entry({"id": criterion.id, **{k: getattr(criterion, k) for k in CRITERION_FIELDS}})
        form.criteria.append_entry({"id": ""})  # one empty row to add a criterion
        form.version.data = round_.version
    elif request.form.get("add_row"):
        form.criteria.append_entry({"id": ""})
    else:
        form.criteria.entries = [row for row in form.criteria.entries if _is_filled(row)]
        if form.validate_on_submit():
            rows = [{**row.data, "id": whole_number(row.data["id"])} for row in form.criteria.entries]
            try:
                services.update_criteria(round_, rubric, rows, version=sent_version(form.version.data),
                                         actor=_actor())
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "error")
            else:
                db.session.commit()
                flash(_("The rubric is saved."), "success")
                return redirect(url_for("rounds.show", round_id=round_.id) + "#rubrics")
    return render_template("rounds/rubric.html", form=form, round=round_, rubric=rubric)


def _edit_rows(round_: Round, form, entries_name: str, items, fields: tuple[str, ...], what: str, template: str):
    entries = getattr(form, entries_name)
    if request.method == "GET":
        for item in items:
            entries.append_entry({**{k: getattr(item, k) for k in fields}, "id": item.id})
        form.version.data = round_.version
    elif form.validate_on_submit():
        rows = {whole_number(row.data["id"]): {k: row.data[k] for k in fields} for row in entries.entries}
        try:
            services.update_named_rows(round_, rows, items, what=what, version=sent_version(form.version.data),
                                       actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    labels = {item.id: item for item in items}
    return render_template(template, form=form, round=round_, items=labels)


@bp.route("/<int:round_id>/groups", methods=["GET", "POST"])
@login_required
def edit_groups(round_id: int):
    round_ = _round_or_404(round_id, can_edit_round)
    return _edit_rows(round_, GroupsForm(), "groups", round_.groups, ("name_vi", "name_en"), "groups",
                      "rounds/groups.html")


@bp.route("/<int:round_id>/tiers", methods=["GET", "POST"])
@login_required
def edit_tiers(round_id: int):
    round_ = _round_or_404(round_id, can_edit_round)
    return _edit_rows(round_, TiersForm(), "tiers", round_.tiers, ("name_vi", "name_en", "count_per_group"),
                      "tiers", "rounds/tiers.html")


@bp.route("/<int:round_id>/quotas", methods=["GET", "POST"])
@login_required
def edit_quotas(round_id: int):
    round_ = _round_or_404(round_id, can_edit_round)
    return _edit_rows(round_, QuotasForm(), "quotas", round_.quotas, ("count",), "quotas", "rounds/quotas.html")


@bp.route("/<int:round_id>/advance", methods=["POST"])
@login_required
def advance(round_id: int):
    round_ = _round_or_404(round_id, can_advance_round)
    form = TransitionForm()
    if form.validate_on_submit() and form.to_state.data in set(RoundState):
        services.advance_round(round_, RoundState(form.to_state.data), actor=_actor())
        db.session.commit()
        flash(_("The round has moved on."), "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.route("/calendar/", defaults={"year": None}, methods=["GET", "POST"])
@bp.route("/calendar/<int:year>", methods=["GET", "POST"])
@login_required
def calendar(year: int | None):
    _require(can_edit_calendar(current_user))
    year = year or today_in_vietnam().year
    if not 2000 <= year <= 2100:
        abort(404)
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            services.add_calendar_day(form.day.data, CalendarDayKind(form.kind.data), form.name_vi.data,
                                      form.name_en.data, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            form.day.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The day is added to the calendar."), "success")
            return redirect(url_for("rounds.calendar", year=form.day.data.year))
    return render_template("rounds/calendar.html", form=form, year=year, days=services.calendar_year(year),
                           )


@bp.route("/calendar/day/<int:day_id>/delete", methods=["POST"])
@login_required
def delete_calendar_day(day_id: int):
    _require(can_edit_calendar(current_user))
    entry = db.get_or_404(CalendarDay, day_id)
    year = entry.day.year
    services.remove_calendar_day(entry, actor=_actor())
    db.session.commit()
    flash(_("The day is removed from the calendar."), "success")
    return redirect(url_for("rounds.calendar", year=year))


def _outcome_choices(round_: Round) -> list[SelectChoice]:
    """The ESC Award and the round's CoR categories, named as the groups are."""
    choices, seen = [], set()
    for group in round_.groups:
        outcome = "esc" if group.code == "esc" else group.code.removeprefix("cor_").rsplit("_", 1)[0]
        if outcome not in seen:
            seen.add(outcome)
            choices.append(SelectChoice(outcome, localized(group, "name").rsplit(" (", 1)[0]))
    return choices


@bp.route("/<int:round_id>/indicators", methods=["GET", "POST"])
@login_required
def indicators(round_id: int):
    round_ = _round_or_404(round_id, can_view_round)
    if round_.programme_code != ProgrammeCode.CITY:
        abort(404)
    editable = can_manage_rounds(current_user) and not round_.is_frozen
    form = IndicatorForm()
    form.outcome.choices = _outcome_choices(round_)
    if form.validate_on_submit():
        if not editable:
            abort(404)
        services.add_indicator(round_, form.outcome.data, form.name_vi.data, form.name_en.data, form.unit.data,
                               actor=_actor())
        db.session.commit()
        flash(_("The indicator is added to the catalogue."), "success")
        return redirect(url_for("rounds.indicators", round_id=round_.id))
    names = {c.value: c.label for c in form.outcome.choices}
    return render_template("rounds/indicators.html", round=round_, form=form, editable=editable, names=names)


@bp.route("/<int:round_id>/indicators/<int:indicator_id>/delete", methods=["POST"])
@login_required
def delete_indicator(round_id: int, indicator_id: int):
    round_ = _round_or_404(round_id, can_view_round)
    if not can_manage_rounds(current_user):
        abort(404)
    indicator = next((i for i in round_.indicators if i.id == indicator_id), None)
    if indicator is None:
        abort(404)
    services.remove_indicator(round_, indicator, actor=_actor())
    db.session.commit()
    flash(_("The indicator is removed."), "success")
    return redirect(url_for("rounds.indicators", round_id=round_.id))
