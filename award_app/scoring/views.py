from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.accounts.permissions import active_council_rounds
from award_app.errors import StaleEdit
from award_app.extensions import db
from award_app.jury.models import Assignment
from award_app.jury.permissions import must_confirm, must_declare
from award_app.nominations.models import Entry, Nomination
from award_app.nominations.views import send_document
from award_app.rounds.models import RankingGroup, Rubric
from award_app.scoring import services
from award_app.scoring.forms import ScoreSheetForm
from award_app.scoring.models import ScoreSheet
from award_app.scoring.permissions import can_score

bp = Blueprint("scoring", __name__, url_prefix="/scoring")

# The version a form carries for a sheet not saved yet: if a sheet exists by the time it is sent,
# another tab saved first and this form is stale.
NEW_SHEET = 0


@bp.route("/")
@login_required
def dashboard():
    rounds = active_council_rounds(current_user)
    if not rounds:
        abort(404)
    assignments = db.session.scalars(select(Assignment).where(Assignment.juror_id == current_user.id).options(
        selectinload(Assignment.nomination).selectinload(Nomination.entries).selectinload(Entry.group))).all()
    sheets = {s.entry_id: s for s in db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.juror_id == current_user.id))}
    by_round: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_round.setdefault(assignment.round_id, []).append(assignment)
    return render_template("scoring/dashboard.html", rounds=rounds, by_round=by_round, sheets=sheets)


def _entry_or_404(entry_id: int) -> Entry:
    entry = db.session.scalar(select(Entry).where(Entry.id == entry_id).options(
        selectinload(Entry.nomination).selectinload(Nomination.documents),
        selectinload(Entry.group).selectinload(RankingGroup.rubric).selectinload(Rubric.criteria)))
    if entry is None or not can_score(current_user, entry):
        abort(404)
    return entry


def _inputs(form: ScoreSheetForm) -> list[services.ScoreInput]:
    inputs = []
    for row in form.scores.entries:
        criterion_id = row["criterion_id"].data
        if criterion_id and str(criterion_id).isdigit():
            points = row["points"].data if not row["points"].errors else None
            inputs.append(services.ScoreInput(int(criterion_id), points, row["comment"].data or ""))
    return inputs


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def sheet(entry_id: int):
    entry = _entry_or_404(entry_id)
    juror = current_user._get_current_object()
    nomination = entry.nomination
    if must_declare(juror, nomination.round):
        return redirect(url_for("jury.declaration", round_id=nomination.round_id))
    if must_confirm(juror, nomination):
        return redirect(url_for("jury.confirm", nomination_id=nomination.id, next=request.path))
    form = ScoreSheetForm()
    problems = []
    if request.method == "GET":
        sheet = services.existing_sheet(entry, juror)
        if sheet is None:  # nothing is written until the juror saves
            for criterion in entry.group.rubric.criteria:
                form.scores.append_entry({"criterion_id": criterion.id, "points": None, "comment": ""})
            form.version.data = NEW_SHEET
        else:
            for score in sheet.scores:
                form.scores.append_entry({"criterion_id": score.criterion_id, "points": score.points,
                                          "comment": score.comment})
            form.version.data = sheet.version
        return _render(entry, sheet, form, problems)
    existing = services.existing_sheet(entry, juror)
    sheet = existing or services.sheet_for(entry, juror)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        if existing is None:
            version = None  # the sheet was just created from this very form
        try:
            services.save_sheet(sheet, _inputs(form), version=version, submit=submit,
                                actor=current_user._get_current_object())
        except StaleEdit as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _render(entry, sheet, form, problems)
        except services.SheetIncomplete as incomplete:
            problems = incomplete.messages
        db.session.commit()
        if not problems:
            flash(_("The score sheet is submitted.") if submit else _("The draft is saved."), "success")
            return redirect(url_for("scoring.sheet", entry_id=entry.id))
        form.version.data = sheet.version
    return _render(entry, sheet, form, problems)


def _render(entry, sheet, form, problems):
    criteria = {c.id: c for c in entry.group.rubric.criteria}
    total = sheet.total if sheet else 0
    return render_template("scoring/sheet.html", entry=entry, nomination=entry.nomination, sheet=sheet, form=form,
                           criteria=criteria, problems=problems, max_total=entry.group.rubric.max_total, total=total)


@bp.route("/entries/<int:entry_id>/documents/<int:document_id>")
@login_required
def document(entry_id: int, document_id: int):
    entry = _entry_or_404(entry_id)
    if must_declare(current_user, entry.nomination.round) or must_confirm(current_user, entry.nomination):
        abort(404)
    found = next((d for d in entry.nomination.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    return send_document(found)
