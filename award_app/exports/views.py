from flask import Blueprint, Response, abort, current_app, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.approval.models import Decision
from award_app.exports import builders, documents, services
from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jury.services import council
from award_app.ranking.services import latest_meeting
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_list_rounds

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _decision_or_404(round_id: int) -> Decision:
    round_ = db.get_or_404(Round, round_id)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    if decision is None or not can_list_rounds(current_user):
        abort(404)
    return decision


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(decision: Decision, extension: str) -> str:
    round_ = decision.round
    return f"ket-qua-{round_.programme.ref_prefix.lower()}-{round_.year}-{round_.edition}.{extension}"


def results_workbook(decision: Decision) -> bytes:
    """Results, criterion means, the score matrix, conflicts and the timeline, from the frozen snapshot."""
    round_, run = decision.round, decision.ranking_run
    labels = services.juror_labels(round_)
    criteria = services.round_criteria(round_)
    return builders.xlsx([
        (_("Results"), services.results_header(), services.results_rows(decision)),
        (_("Criterion means"), services.criterion_means_header(criteria),
         services.criterion_rows(round_, run, criteria)),
        (_("Score matrix"), services.score_matrix_header(criteria),
         services.score_matrix_rows(round_, run, labels, criteria)),
        (_("Conflicts"), [_("Juror"), _("Reference"), _("Kind"), _("Source"), _("State"), _("Reason")],
         services.conflict_rows(round_, labels)),
        (_("Timeline"), [_("Time (UTC)"), _("Action"), _("Object"), _("Id")], services.timeline_rows(round_)),
    ])


@bp.route("/round/<int:round_id>/results.xlsx")
@login_required
def results_xlsx(round_id: int):
    decision = _decision_or_404(round_id)
    body = results_workbook(decision)
    services.record_export(decision.round_id, "results.xlsx", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, XLSX, _filename(decision, "xlsx"))


@jobs.register("results_xlsx", may_see=lambda user, job: can_list_rounds(user))
def results_xlsx_work(job, progress) -> tuple[bytes, str]:
    """The same workbook, built by a job (a worker when Redis is set) in the language of who asked."""
    decision = db.session.scalar(select(Decision).where(Decision.round_id == job.round_id))
    with force_locale(job.created_by.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = results_workbook(decision)
    progress(1, 1)
    return body, _filename(decision, "xlsx")


@bp.route("/round/<int:round_id>/results.xlsx/job", methods=["POST"])
@login_required
def results_xlsx_job(round_id: int):
    """For a large round: the workbook is prepared in the background and downloaded from the job's page."""
    decision = _decision_or_404(round_id)
    job = jobs.create("results_xlsx", round_id=decision.round_id, actor=current_user._get_current_object())
    services.record_export(decision.round_id, "results.xlsx", current_user._get_current_object())
    jobs.start(job)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/round/<int:round_id>/results.csv")
@login_required
def results_csv(round_id: int):
    decision = _decision_or_404(round_id)
    body = builders.csv_bytes(services.results_header(), services.results_rows(decision))
    services.record_export(decision.round_id, "results.csv", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, "text/csv", _filename(decision, "csv"))  # Werkzeug adds "; charset=utf-8"


def _adopted(round_id: int):
    """The round, its adopted proposal and meeting, for the minutes and the (draft) decision."""
    round_ = db.get_or_404(Round, round_id)
    meeting = latest_meeting(round_)
    if meeting is None or not can_list_rounds(current_user):
        abort(404)
    return round_, meeting


@bp.route("/round/<int:round_id>/minutes.pdf")
@login_required
def minutes_pdf(round_id: int):
    round_, meeting = _adopted(round_id)
    names = {m.user_id: m.user.full_name for m in council(round_)}
    chair = next((m.user.full_name for m in council(round_) if m.is_chair), "")
    body = documents.render("minutes.html", organiser=round_.organiser_name, number="…/BB-HĐXC", day=meeting.held_on,
                            programme=round_.programme.name_vi, year=round_.year, members=meeting.members,
                            present=[names.get(i, str(i)) for i in meeting.present], minutes=meeting.minutes,
                            votes_for=meeting.votes_for, votes_against=meeting.votes_against, chair=chair,
                            secretary=meeting.recorded_by.full_name if meeting.recorded_by else "",
                            rows=documents.document_rows(round_, meeting.ranking_run), draft=False)
    services.record_export(round_.id, "minutes.pdf", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, "application/pdf", f"bien-ban-{round_.programme.ref_prefix.lower()}-{round_.year}.pdf")


@bp.route("/round/<int:round_id>/decision.pdf")
@login_required
def decision_pdf(round_id: int):
    """The decision; before approval, a draft without number or date, marked DỰ THẢO."""
    round_, meeting = _adopted(round_id)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    body = documents.decision_pdf(round_, meeting, decision)
    services.record_export(round_.id, "decision.pdf", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, "application/pdf", f"quyet-dinh-{round_.programme.ref_prefix.lower()}-{round_.year}.pdf")
