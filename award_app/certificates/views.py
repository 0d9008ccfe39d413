from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.audit.services import record
from award_app.certificates import services
from award_app.certificates.models import Certificate
from award_app.certificates.permissions import can_download_certificate
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.jobs import services as jobs
from award_app.nominations.models import Entry
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_list_rounds, can_manage_rounds

bp = Blueprint("certificates", __name__)


def _approved_round_or_404(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not can_list_rounds(current_user) or services.decision_of(round_) is None:
        abort(404)
    return round_


@bp.route("/certificates/round/<int:round_id>")
@login_required
def by_round(round_id: int):
    round_ = _approved_round_or_404(round_id)
    certificates = db.session.scalars(select(Certificate).where(Certificate.round_id == round_.id).options(
        selectinload(Certificate.entry).selectinload(Entry.nomination)).order_by(Certificate.id)).all()
    can_issue = can_manage_rounds(current_user)
    latest_zip = jobs.latest("certificates_zip", round_id=round_.id, user=current_user) if can_issue else None
    return render_template("certificates/by_round.html", round=round_, certificates=certificates,
                           tiers={t.code: t for t in round_.tiers}, form=ActionForm(),
                           can_issue=can_issue, latest_zip=latest_zip)


@bp.route("/certificates/round/<int:round_id>/issue", methods=["POST"])
@login_required
def issue(round_id: int):
    round_ = _approved_round_or_404(round_id)
    if not can_manage_rounds(current_user):
        abort(404)
    certificates = services.issue_for_round(round_, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("%(n)d certificates are issued; winners can download theirs.", n=len(certificates)), "success")
    return redirect(url_for("certificates.by_round", round_id=round_.id))


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    if not can_download_certificate(current_user, certificate):
        abort(404)
    body = services.pdf_of(certificate)
    db.session.flush()
    record("certificate.downloaded", certificate, round_id=certificate.round_id, sha256=certificate.sha256)
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{certificate.code}.pdf"'
    return response


@bp.route("/certificates/round/<int:round_id>/zip", methods=["POST"])
@login_required
def zip_all(round_id: int):
    """All the round's certificates as a ZIP, built as a job whose progress the secretariat follows."""
    round_ = _approved_round_or_404(round_id)
    if not can_manage_rounds(current_user):
        abort(404)
    job = jobs.create("certificates_zip", round_id=round_.id, actor=current_user._get_current_object())
    jobs.start(job)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


def normalise_code(text: str) -> str:
    """"4rez bdt8", "4REZBDT8" and "4REZ-BDT8" are the same code."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())[:8]
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


@bp.route("/verify", methods=["GET"])
def verify_form():
    code = request.args.get("code", "")
    if code.strip():
        return redirect(url_for("certificates.verify", code=normalise_code(code)))
    return render_template("certificates/verify.html", certificate=None, code="", ask=True)


@bp.route("/verify/<code>")
def verify(code: str):
    """Public: anyone holding the paper checks that the certificate exists and is valid."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, code=code[:16]), 404
    return render_template("certificates/verify.html", certificate=certificate,
                           data=services.certificate_data(certificate))
