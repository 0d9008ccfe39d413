"""Running jobs: the work function reports progress, which is committed as it goes so that another
request (the progress page) sees it. Without Redis the job runs in this process, right away."""

from collections.abc import Callable

from sqlalchemy import select, update

from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.jobs.models import Job, JobState
from award_app.jobs.tasks import after_commit, task
from award_app.storage import content_key, current_storage

WORK: dict[str, Callable] = {}
# Who may still see a job and take its result: asked at every request, not only when the job was made, so
# that a user who loses the role that made it loses the result too (issue 15, point 8).
MAY_SEE: dict[str, Callable] = {}


def register(kind: str, *, may_see: Callable):
    """Declare the function that does one kind of job: work(job, progress) -> (bytes, file name), and the
    permission, may_see(user, job) -> bool, that its maker must still hold to follow it and download it."""
    def decorator(function):
        WORK[kind], MAY_SEE[kind] = function, may_see
        return function
    return decorator


def may_see(user, job: Job) -> bool:
    """Only the job's maker, and only while they still hold the permission that made it."""
    check = MAY_SEE.get(job.kind)
    return job.created_by_id == user.id and check is not None and bool(check(user, job))


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


@task("jobs.run")
def run(job_id: int) -> None:
    """Do the job and keep its result under uploads/<sha[:2]>/<sha>. Safe to run twice, even at once in two
    workers: only the run that moves the job from queued to running does the work."""
    claimed = db.session.execute(update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED)
                                 .values(state=JobState.RUNNING, done=0, error="")).rowcount
    db.session.commit()
    if not claimed:
        return
    job = db.session.get(Job, job_id)

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


def keep_bytes(body: bytes) -> str:
    """Keep a made file (a job's result, an issued certificate) in the file store under its content key,
    whole or not at all (see award_app.storage); returns the SHA-256."""
    return current_storage().put_content(body)


def result_key(job: Job) -> str | None:
    return content_key(job.result_sha256) if job.result_sha256 else None


def start(job: Job) -> None:
    """Run the job once this transaction commits: on Redis (RQ) when configured, otherwise in this
    process at the end of the request (jobs/tasks.py)."""
    after_commit("jobs.run", job.id)
