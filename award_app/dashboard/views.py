"""The home page: for each role the user holds, what they can do next."""

import tempfile

from flask import Blueprint, Response, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.accounts.models import APPLICANT_PROGRAMMES, ApplicantKind, Role, User
from award_app.accounts.permissions import active_council_rounds, can_manage_accounts
from award_app.asean.permissions import can_view_asean
from award_app.asean.services import supplements_of_applicant
from award_app.audit.services import record
from award_app.audit.views import can_read_audit_log
from award_app.certificates.services import certificates_of_applicant
from award_app.dashboard.services import ArchiveTooLarge, delete_my_account, personal_data_zip
from award_app.extensions import db, limiter
from award_app.formfields import ActionForm
from award_app.jury.permissions import can_manage_council
from award_app.jury.services import pending_invitations
from award_app.nominations.models import Nomination
from award_app.nominations.permissions import can_list_nominations, can_start_nomination
from award_app.ranking.permissions import can_view_ranking
from award_app.rounds.models import Programme, Round, RoundState
from award_app.rounds.permissions import can_approve_round, can_edit_calendar, can_list_rounds, can_manage_rounds
from award_app.storage import current_storage

bp = Blueprint("dashboard", __name__)


@bp.app_template_global()
def nav_links(user) -> list[dict]:
    """The main menu: only what this user may open."""
    links = []
    if can_list_rounds(user):
        links.append({"url": url_for("rounds.index"), "label": _("Programmes and rounds")})
    if can_edit_calendar(user):
        links.append({"url": url_for("rounds.calendar"), "label": _("Calendar")})
    if can_manage_accounts(user):
        links.append({"url": url_for("accounts.admin_list"), "label": _("Accounts")})
    if can_read_audit_log(user):
        links.append({"url": url_for("audit.index"), "label": _("Audit log")})
    return links


@bp.app_template_global()
def round_links(user, round_) -> list[dict]:
    """The stage pages of a round that this user may open, in pipeline order."""
    links = []
    if can_list_nominations(user, round_):
        links.append({"url": url_for("nominations.by_round", round_id=round_.id), "label": _("Nominations")})
    if can_manage_rounds(user):
        links.append({"url": url_for("eligibility.queue", round_id=round_.id), "label": _("Screening")})
    if can_manage_council(user, round_):
        links.append({"url": url_for("jury.council", round_id=round_.id), "label": _("Selection council")})
        links.append({"url": url_for("jury.assignments", round_id=round_.id), "label": _("Assignments")})
    if can_manage_rounds(user) and round_.state in (RoundState.SCORING, RoundState.COUNCIL):
        links.append({"url": url_for("scoring.round_sheets", round_id=round_.id), "label": _("Score sheets")})
    if can_view_ranking(user, round_):
        links.append({"url": url_for("ranking.show", round_id=round_.id), "label": _("Ranking")})
    if can_list_rounds(user) and round_.state in (RoundState.COUNCIL, RoundState.APPROVED, RoundState.PUBLISHED):
        links.append({"url": url_for("approval.approve", round_id=round_.id), "label": _("Approval")})
    if can_list_rounds(user) and round_.is_frozen:
        links.append({"url": url_for("certificates.by_round", round_id=round_.id), "label": _("Certificates")})
    if can_view_asean(user, round_):
        links.append({"url": url_for("asean.round_page", round_id=round_.id), "label": _("To ASEAN")})
    return links


@bp.route("/healthz")
def healthz():
    """For load balancers: no database, no session."""
    return Response("ok", mimetype="text/plain")


def _rounds_in(states: tuple[RoundState, ...], programme_code=None) -> list[Round]:
    query = select(Round).where(Round.state.in_(states)).options(selectinload(Round.programme))
    if programme_code is not None:
        query = query.where(Round.programme_code == programme_code)
    return list(db.session.scalars(query.order_by(Round.closes_at)))


def _applicant_section(user: User) -> dict:
    programme = APPLICANT_PROGRAMMES.get(user.applicant_kind) if user.applicant_kind else None
    running = _rounds_in((RoundState.OPEN,), programme)
    nominations = db.session.scalars(select(Nomination).where(Nomination.applicant_id == user.id)
                                     .options(selectinload(Nomination.round).selectinload(Round.programme))
                                     .order_by(Nomination.created_at.desc())).all()
    return {"open_rounds": [r for r in running if can_start_nomination(user, r)], "nominations": nominations,
            "certificates": certificates_of_applicant(user), "asean_supplements": supplements_of_applicant(user)}


def _secretariat_section() -> dict:
    programmes = db.session.scalars(
        select(Programme).order_by(Programme.position).options(selectinload(Programme.rounds))
    ).all()
    return {"programmes": programmes}


def _approver_section(user: User) -> dict:
    return {"awaiting": [r for r in _rounds_in((RoundState.COUNCIL,)) if can_approve_round(user, r)]}


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    user = current_user._get_current_object()
    sections = {}
    if user.has_role(Role.APPLICANT):
        sections["applicant"] = _applicant_section(user)
    if user.has_role(Role.SECRETARIAT):
        sections["secretariat"] = _secretariat_section()
    if user.has_role(Role.APPROVER):
        sections["approver"] = _approver_section(user)
    if user.has_role(Role.AUDITOR):
        sections["auditor"] = {"rounds": _rounds_in(tuple(RoundState))}
    if user.has_role(Role.ADMIN):
        sections["admin"] = {"users": db.session.scalar(select(db.func.count()).select_from(User))}
    if user.endorser_scopes:
        sections["endorser"] = {"scopes": user.endorser_scopes}
    invitations = pending_invitations(user)
    if invitations:
        sections["invitations"] = invitations
    council = active_council_rounds(user)
    if council:
        sections["juror"] = {"rounds": council}
    return render_template("dashboard/home.html", sections=sections, ApplicantKind=ApplicantKind)


def _too_many_downloads():
    flash(_("You have downloaded your data several times in the last hour: use the copy you have, or try again "
            "later."), "error")
    return redirect(url_for("dashboard.home"), code=303)


def _personal_data_limits() -> str:
    return current_app.config["PERSONAL_DATA_DOWNLOAD_LIMITS"]


@bp.route("/my-data.zip")
@login_required
@limiter.limit(_personal_data_limits, key_func=lambda: f"my-data|{current_user.id}",
               on_breach=lambda _limit: _too_many_downloads())
def my_data():
    """Everything the platform holds about the user as an applicant, as JSON and the files they sent: built
    in a temporary file on disk and streamed from it, up to PERSONAL_DATA_MAX_MB. Each build reads every file
    and writes an audit event that cannot be deleted: PERSONAL_DATA_DOWNLOAD_LIMITS per user bounds both."""
    user = current_user._get_current_object()
    limit_mb = current_app.config["PERSONAL_DATA_MAX_MB"]
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    try:
        personal_data_zip(user, current_storage(), archive, max_bytes=limit_mb * 1024 * 1024)
    except ArchiveTooLarge:
        archive.close()
        flash(_("Your files add up to more than %(limit)d MB, too much for one download. Ask the secretariat "
                "for a copy of your data.", limit=limit_mb), "error")
        return redirect(url_for("dashboard.home"))
    except BaseException:
        archive.close()
        raise
    record("account.data_downloaded", user, actor=user)
    db.session.commit()
    size = archive.tell()
    archive.seek(0)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name="du-lieu-ca-nhan.zip", conditional=False, max_age=0)
    response.content_length = size
    return response  # no-store, as every answer but static files (security._not_stored)


@bp.route("/my-account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Ask for deletion: done at once when no dossier was ever submitted; otherwise kept as the law says."""
    form = ActionForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if delete_my_account(user):
            db.session.commit()
            logout_user()
            flash(_("Your account and your drafts are deleted."), "success")
            return redirect(url_for("accounts.login"))
        flash(_("Your submitted dossiers must be kept until the round's retention period ends; they will be "
                "deleted then. Nothing was deleted now."), "info")
        return redirect(url_for("dashboard.home"))
    return render_template("dashboard/delete_account.html", form=form)
