from flask import Blueprint, abort, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from award_app.extensions import db
from award_app.jobs.models import Job, JobState
from award_app.jobs.services import may_see, result_key
from award_app.storage import current_storage

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _own_job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if not may_see(current_user, job):
        abort(404)
    return job


@bp.app_template_global()
def job_text(job: Job) -> str:
    """The sentence under a job's progress bar, the same on the page and in its status."""
    if job.state == JobState.DONE:
        return _("Ready.")
    if job.state == JobState.FAILED:
        return _("The work failed: %(error)s", error=job.error)
    return _("%(done)d of %(total)d done. You can leave this page and come back: the work goes on.",
             done=job.done, total=job.total)


@bp.route("/<int:job_id>")
@login_required
def show(job_id: int):
    """Progress that updates by itself and survives leaving the page (the work goes on in the server)."""
    return render_template("jobs/show.html", job=_own_job(job_id))


@bp.route("/<int:job_id>/status")
@login_required
def status(job_id: int):
    """The job's progress as JSON, for the page's script; the same permission as the page."""
    job = _own_job(job_id)
    answer = {"state": job.state.value, "done": job.done, "total": job.total, "percent": job.percent,
              "text": job_text(job)}
    if job.state == JobState.DONE:
        answer |= {"result_url": url_for("jobs.result", job_id=job.id),
                   "download_text": _("Download %(name)s", name=job.result_name)}
    return jsonify(answer)  # no-store, as every answer but static files (security._not_stored)


@bp.route("/<int:job_id>/result")
@login_required
def result(job_id: int):
    job = _own_job(job_id)
    if job.state != JobState.DONE or result_key(job) is None:
        abort(404)
    mimetype = "application/zip" if job.result_name.endswith(".zip") else "application/octet-stream"
    return current_storage().send(result_key(job), mimetype=mimetype, download_name=job.result_name)
