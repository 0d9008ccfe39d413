from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from award_app import autosave
from award_app.accounts.permissions import active_council_rounds
from award_app.accounts.step_up import step_up
from award_app.audit.services import record_at_most
from award_app.bounds import query_number, sent_version, whole_number
from award_app.errors import DomainError, StaleEdit
from award_app.extensions import db
from award_app.jury.forms import DossierConflictForm
from award_app.jury.models import Assignment, ConflictKind
from award_app.jury.permissions import must_confirm, must_declare, withheld_query
from award_app.jury.services import declare
from award_app.nominations import services as nominations
from award_app.nominations.forms import ReasonForm
from award_app.nominations.models import Entry, Nomination, list_deferred
from award_app.nominations.views import send_document
from award_app.rounds.models import RankingGroup, Round, Rubric, ScoreVisibility
from award_app.rounds.permissions import can_manage_rounds
from award_app.scoring import services
from award_app.scoring.forms import ScoreSheetForm
from award_app.scoring.models import ScoreSheet, SheetState
from award_app.scoring.permissions import can_score

bp = Blueprint("scoring", __name__, url_prefix="/scoring")

# The version a form carries for a sheet not saved yet: if a sheet exists by the time it is sent,
# another tab saved first and this form is stale.
NEW_SHEET = 0


# The juror's dashboard lists this many dossiers a page per round, those still to score first.
DASHBOARD_PAGE_SIZE = 25


@bp.route("/")
@login_required
def dashboard():
    rounds = active_council_rounds(current_user)
    if not rounds:
        abort(404)
    pages = {round_.id: _dashboard_page(round_) for round_ in rounds}
    entry_ids = [e.id for page in pages.values() for a in page["items"] for e in a.nomination.entries]
    sheets = {s.entry_id: s for s in db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.juror_id == current_user.id, ScoreSheet.entry_id.in_(entry_ids)))} if entry_ids else {}
    return render_template("scoring/dashboard.html", rounds=rounds, pages=pages, sheets=sheets,
                           must_declare={r.id: must_declare(current_user, r) for r in rounds})


def _visible_assignments(round_):
    """The juror's assignments in the round, without the dossiers a conflict takes away (as a query)."""
    withheld = withheld_query(current_user, round_)
    return select(Assignment).where(Assignment.juror_id == current_user.id, Assignment.round_id == round_.id,
                                    Assignment.nomination_id.not_in(withheld))


def _dashboard_page(round_) -> dict:
    """One page of the juror's dossiers in the round, and the progress over all of them, in three queries."""
    visible = _visible_assignments(round_).subquery()
    total = db.session.scalar(select(func.count(Entry.id)).join(
        visible, visible.c.nomination_id == Entry.nomination_id))
    done = db.session.scalar(select(func.count(ScoreSheet.id)).join(Entry).join(
        visible, visible.c.nomination_id == Entry.nomination_id).where(
        ScoreSheet.juror_id == current_user.id, ScoreSheet.state == SheetState.SUBMITTED))
    count = max(1, -(-(db.session.scalar(select(func.count()).select_from(visible)) or 0) // DASHBOARD_PAGE_SIZE))
    page = min(count, max(1, query_number(f"page_{round_.id}", default=1)))
    items = db.session.scalars(_visible_assignments(round_).join(Nomination).options(
        selectinload(Assignment.nomination).options(*list_deferred())
        .selectinload(Nomination.entries).selectinload(Entry.group))
        .order_by(Assignment.submitted_at.is_not(None), Nomination.reference)
        .offset((page - 1) * DASHBOARD_PAGE_SIZE).limit(DASHBOARD_PAGE_SIZE)).all()
    return {"items": items, "total": total, "done": done, "page": page, "pages": count}


def _my_assignments(round_) -> list[Assignment]:
    """The juror's dossiers in the round, without those a conflict takes away."""
    return list(db.session.scalars(_visible_assignments(round_).options(
        selectinload(Assignment.nomination).selectinload(Nomination.entries).selectinload(Entry.group))))


@bp.route("/round/<int:round_id>/next")
@login_required
def next_dossier(round_id: int):
    """The dossier with the fewest submitted sheets first, in an order shuffled per juror."""
    round_ = next((r for r in active_council_rounds(current_user) if r.id == round_id), None)
    if round_ is None:
        abort(404)
    entries = [e for a in _my_assignments(round_) for e in a.nomination.entries]
    entry = services.next_entry(current_user, entries)
    if entry is None:
        flash(_("You have submitted all your sheets for this round. Thank you!"), "success")
        return redirect(url_for("scoring.dashboard"))
    return redirect(url_for("scoring.sheet", entry_id=entry.id))


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
        criterion_id = whole_number(row["criterion_id"].data)
        if criterion_id is not None:
            points = row["points"].data if not row["points"].errors else None
            inputs.append(services.ScoreInput(criterion_id, points, row["comment"].data or ""))
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
    problems: list[str] = []
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
    form.validate()  # a mistyped number becomes an empty score and a message; the rest is saved
    submit = request.form.get("action") == "submit"
    version = _sent_version(form, existing)
    typing_errors = [str(e) for row in form.scores.entries for e in row["points"].errors]
    try:
        services.save_sheet(sheet, _inputs(form), version=version, submit=submit and not typing_errors,
                            actor=juror)
    except StaleEdit as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render(entry, existing, form, problems)
    except services.SheetIncomplete as incomplete:
        problems = incomplete.messages
    except DomainError as refused:  # a score outside 0..max: nothing is saved, the input stays on the page
        db.session.rollback()
        return _render(entry, existing, form, refused.messages)
    db.session.commit()
    if not problems and not typing_errors and submit:  # on to the next dossier still to score, if any
        flash(_("The score sheet for %(reference)s is submitted.", reference=nomination.reference), "success")
        return redirect(url_for("scoring.next_dossier", round_id=nomination.round_id))
    if not problems and not typing_errors:
        flash(_("The draft is saved."), "success")
        return redirect(url_for("scoring.sheet", entry_id=entry.id))
    form.version.data = sheet.version
    return _render(entry, sheet, form, problems or typing_errors)


def _sent_version(form: ScoreSheetForm, existing: ScoreSheet | None) -> int | None:
    if existing is None:
        return None  # the sheet is created from this very form
    return sent_version(form.version.data)


@bp.route("/entries/<int:entry_id>/autosave", methods=["POST"])
@login_required
def autosave_sheet(entry_id: int):
    """The draft saved in the background as the juror types: the same form, version check, service and audit
    event as "Save draft", never a submission; answers JSON."""
    entry = _entry_or_404(entry_id)
    juror = current_user._get_current_object()
    if must_declare(juror, entry.nomination.round) or must_confirm(juror, entry.nomination):
        abort(404)
    form = ScoreSheetForm()
    existing = services.existing_sheet(entry, juror)
    sheet = existing or services.sheet_for(entry, juror)
    form.validate()
    version = _sent_version(form, existing)
    try:
        if existing is not None and version is None:  # never taken without the version it started from
            raise StaleEdit()
        services.save_sheet(sheet, _inputs(form), version=version, submit=False, actor=juror)
    except DomainError as refused:
        db.session.rollback()
        return autosave.refused(refused)
    db.session.commit()
    return autosave.saved(sheet.version, autosave.typed_errors(form.scores))


def _render(entry, sheet, form, problems):
    criteria = {c.id: c for c in entry.group.rubric.criteria}
    total = sheet.total if sheet else 0
    round_ = entry.nomination.round
    others = []
    submitted = sheet is not None and sheet.state == SheetState.SUBMITTED
    if submitted and round_.score_visibility == ScoreVisibility.AFTER_OWN:
        others = services.other_sheets(sheet)
    return render_template("scoring/sheet.html", entry=entry, nomination=entry.nomination, sheet=sheet, form=form,
                           documents=juror_documents(entry.nomination), blind=round_.blind,
                           withheld=withheld_documents(entry.nomination),
                           criteria=criteria, problems=problems, max_total=entry.group.rubric.max_total, total=total,
                           others=others, conflict_form=DossierConflictForm(prefix="c"))


@bp.route("/entries/<int:entry_id>/conflict", methods=["POST"])
@login_required
def declare_conflict(entry_id: int):
    """A juror discovers a conflict while scoring. The sheet is left exactly as it is: only the secretariat's
    decision moves it (a confirmed conflict takes it out of the score; a rejected one leaves it submitted and
    locked), so a declaration can never reopen a submitted sheet."""
    entry = _entry_or_404(entry_id)
    form = DossierConflictForm(prefix="c")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(f"{_('Conflict of interest')}: {error}", "error")
        return redirect(url_for("scoring.sheet", entry_id=entry.id))
    juror = current_user._get_current_object()
    conflict = (entry.nomination_id, ConflictKind(form.kind.data), form.detail.data or "")
    declare(entry.nomination.round, juror, [conflict], nomination=entry.nomination)
    db.session.commit()
    flash(_("Your conflict is declared; the secretariat is told. Your sheet does not count until the secretariat "
            "decides."), "success")
    return redirect(url_for("scoring.dashboard"))


@bp.route("/round/<int:round_id>/sheets")
@login_required
def round_sheets(round_id: int):
    """For the secretariat: every sheet of the round, and reopening a submitted one with a reason."""
    round_ = db.get_or_404(Round, round_id)
    if not can_manage_rounds(current_user):
        abort(404)
    sheets = db.session.scalars(select(ScoreSheet).join(Entry).join(Nomination).where(
        Nomination.round_id == round_.id).options(selectinload(ScoreSheet.juror),
        selectinload(ScoreSheet.entry).selectinload(Entry.nomination)).order_by(Nomination.reference,
                                                                                ScoreSheet.juror_id)).all()
    return render_template("scoring/round_sheets.html", round=round_, sheets=sheets, form=ReasonForm())


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def reopen(sheet_id: int):
    sheet = db.get_or_404(ScoreSheet, sheet_id)
    if not can_manage_rounds(current_user):
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the sheet."), "error")
    elif (asked := step_up()) is not None:
        return asked
    else:
        services.reopen_sheet(sheet, form.reason.data, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The sheet is reopened; the juror can change and submit it again."), "success")
    return redirect(url_for("scoring.round_sheets", round_id=sheet.entry.nomination.round_id))


@bp.route("/entries/<int:entry_id>/documents/<int:document_id>")
@login_required
def document(entry_id: int, document_id: int):
    entry = _entry_or_404(entry_id)
    if must_declare(current_user, entry.nomination.round) or must_confirm(current_user, entry.nomination):
        abort(404)
    found = next((d for d in juror_documents(entry.nomination) if d.id == document_id), None)
    if found is None:
        abort(404)
    blind = entry.nomination.round.blind
    key = _blind_copy_or_404(found) if blind else None
    if blind and key is None:
        db.session.commit()  # the mark and its audit event
        flash(_("This file could not be cleaned of what might name the nominee, so it is withheld from you in "
                "this blind round. The secretariat has been told."), "error")
        return redirect(url_for("scoring.sheet", entry_id=entry.id))
    # Once an hour per juror and document: a juror opening a file again and again cannot flood the log.
    record_at_most(1, timedelta(hours=1), "document.opened_by_juror", found, same={},
                   round_id=entry.nomination.round_id, nomination=entry.nomination_id)
    db.session.commit()
    return send_document(found, key=key)


def _blind_copy_or_404(document) -> str | None:
    try:
        return nominations.blind_copy_key(document)
    except FileNotFoundError:
        abort(404)


def juror_documents(nomination: Nomination) -> list:
    """In a blind round the items that name the nominee, nominator or referees are withheld, and so is a file
    that could not be cleaned."""
    withheld = {d.id for d in withheld_documents(nomination)}
    return [d for d in nomination.documents if d.id not in withheld]


def withheld_documents(nomination: Nomination) -> list:
    if not nomination.round.blind:
        return []
    return [d for d in nomination.documents if d.checklist_item.identifying or d.cannot_be_cleaned]
