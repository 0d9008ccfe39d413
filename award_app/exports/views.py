from flask import Blueprint, Response, abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.approval.models import Decision
from award_app.exports import builders, services
from award_app.extensions import db
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


@bp.route("/round/<int:round_id>/results.xlsx")
@login_required
def results_xlsx(round_id: int):
    decision = _decision_or_404(round_id)
    body = builders.xlsx([(_("Results"), services.results_header(), services.results_rows(decision))])
    services.record_export(decision, "results.xlsx", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, XLSX, _filename(decision, "xlsx"))


@bp.route("/round/<int:round_id>/results.csv")
@login_required
def results_csv(round_id: int):
    decision = _decision_or_404(round_id)
    body = builders.csv_bytes(services.results_header(), services.results_rows(decision))
    services.record_export(decision, "results.csv", current_user._get_current_object())
    db.session.commit()
    return _attachment(body, "text/csv; charset=utf-8", _filename(decision, "csv"))
