from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from award_app.extensions import db
from award_app.jobs.models import Job, JobState
from award_app.jobs.services import result_key
from award_app.storage import current_storage

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _own_job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if job.created_by_id != current_user.id:
        abort(404)
    return job


@bp.route("/<int:job_id>")
@login_required
def show(job_id: int):
    """Progress that updates by itself (every 2 s) and survives leaving the page."""
    return render_template("jobs/show.html", job=_own_job(job_id))


@bp.route("/<int:job_id>/result")
@login_required
def result(job_id: int):
    job = _own_job(job_id)
    if job.state != JobState.DONE or result_key(job) is None:
        abort(404)
    mimetype = "application/zip" if job.result_name.endswith(".zip") else "application/octet-stream"
    return current_storage().send(result_key(job), mimetype=mimetype, download_name=job.result_name)
