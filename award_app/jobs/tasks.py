"""Work that follows a commit: running a job, sending the outbox, the daily reminders.

A service asks for a task with `after_commit(name, *args)`. Nothing happens until the transaction
commits (R5: a rolled-back transaction queues nothing). Then, when REDIS_URL is set, the task is put
on the RQ queue named by REDIS_PREFIX and a `flask worker` process runs it, inside an app context of
the same configuration; otherwise it waits in the session until the request's response is ready and
then runs in a thread of this process, with its own app context and database session, so that the
response goes out at once and the user watches the progress (JOBS_RUN_INLINE runs it in the request
instead, as the tests' client expects; a command runs its tasks itself with `run_committed()`).
Every task is safe to run twice.
"""

import logging
import os
import threading
from collections.abc import Callable
from functools import cache

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from award_app.database import begin_immediately
from award_app.extensions import db

TASKS: dict[str, Callable] = {}
PENDING = "award_tasks_pending"
COMMITTED = "award_tasks_committed"
JOB_TIMEOUT_SECONDS = 3600

log = logging.getLogger(__name__)


def task(name: str):
    """Declare a function a worker may run by name; its arguments must be plain values (ids)."""
    def decorator(function):
        TASKS[name] = function
        return function
    return decorator


def after_commit(name: str, *args) -> None:
    """Run the task once the current transaction commits; asked twice in one transaction, it runs once."""
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}")
    pending = db.session.info.setdefault(PENDING, [])
    if (name, args) not in pending:
        pending.append((name, args))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if not pending:
        return
    if current_app.config.get("REDIS_URL"):
        for name, args in pending:
            enqueue(name, *args)
    else:
        session.info.setdefault(COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)


def run_committed() -> int:
    """Run here the tasks of committed transactions (no Redis); returns how many ran."""
    if not db.session.registry.has():  # this request never opened a session
        return 0
    ran = 0
    while queue := db.session.info.pop(COMMITTED, []):
        for name, args in queue:
            try:
                _run(name, args)
            except Exception:  # the change that asked for it is committed; the failure is the task's own
                log.exception("task %s%s failed", name, args)
            ran += 1
    return ran


def _run(name: str, args: tuple) -> None:
    try:
        TASKS[name](*args)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _run_after_request(response):
    if current_app.config["JOBS_RUN_INLINE"]:
        run_committed()
    elif db.session.registry.has() and (pending := db.session.info.pop(COMMITTED, [])):
        run_in_background(current_app._get_current_object(), pending)
    return response


def register_task_runner(app: Flask) -> None:
    """Without Redis, the tasks of a request's committed transaction run once its response is ready:
    in a background thread, or in the request itself with JOBS_RUN_INLINE."""
    app.after_request(_run_after_request)


BACKGROUND: set[threading.Thread] = set()
_BACKGROUND_LOCK = threading.Lock()


def run_in_background(app: Flask, pending: list[tuple[str, tuple]]) -> threading.Thread:
    """Run committed tasks in a thread of this process. Not a daemon: a stopping process first lets
    its started jobs end (a job cut short stays `running`; the user starts another)."""
    thread = threading.Thread(target=_background, args=(app, list(pending)), name="award-tasks")
    with _BACKGROUND_LOCK:
        BACKGROUND.add(thread)
    thread.start()
    return thread


def _background(app: Flask, pending: list[tuple[str, tuple]]) -> None:
    try:
        with app.app_context():
            begin_immediately()  # SQLite: a job reads, then writes its progress; take the lock at BEGIN
            try:
                db.session.info[COMMITTED] = pending
                run_committed()  # and whatever the tasks themselves commit (a job's e-mails)
            finally:
                db.session.remove()
    finally:
        with _BACKGROUND_LOCK:
            BACKGROUND.discard(threading.current_thread())


def wait_for_background(timeout: float | None = None) -> bool:
    """Wait for the background tasks started so far (tests, an orderly stop); True when none is left."""
    with _BACKGROUND_LOCK:
        threads = list(BACKGROUND)
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


@cache
def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


PERFORM = "award_app.jobs.tasks.perform"


class NotATask(Exception):
    """A job on the queue that is not one of the application's named tasks: the worker refuses it."""


@cache
def task_job_class():
    """RQ's Job, restricted to the application's own tasks (issue 15, point 14: whoever could write to Redis
    ran any function in the worker). Jobs travel as JSON, never pickle (unpickling runs code); the worker
    runs only `perform(name, *plain values)` for a name in TASKS, and never a callback named in Redis.
    Anything else fails the job, with a log line, before any import."""
    from rq.job import Job

    class TaskJob(Job):
        def _deserialize_data(self):
            super()._deserialize_data()
            self._args = tuple(self._args or ())  # JSON gives a list; the queue's callers see a tuple

        @property
        def func(self):
            refusal = _refusal(self.func_name, self.instance, self.args, self.kwargs)
            if refusal:
                log.error("refused job %s from Redis: %s", self.id, refusal)
                raise NotATask(refusal)
            return perform

        # Callbacks would be imported by name from Redis: the application uses none, so none runs.
        success_callback = failure_callback = stopped_callback = property(lambda self: None)

    return TaskJob


def _refusal(func_name, instance, args, kwargs) -> str:
    """Why a job from Redis is not one of ours ("" when it is)."""
    if func_name != PERFORM or instance is not None or kwargs:
        return f"not an application task: {func_name!r}"
    if not args or not isinstance(args[0], str) or args[0] not in TASKS:
        return f"unknown task {args[0] if args else None!r}"
    if not all(isinstance(value, str | int | float | bool) or value is None for value in args[1:]):
        return f"task {args[0]!r} takes plain values only"
    return ""


def rq_queue(app: Flask | None = None):
    from rq import Queue
    from rq.serializers import JSONSerializer

    config = (app or current_app).config
    return Queue(config["REDIS_PREFIX"], connection=redis_connection(config["REDIS_URL"]),
                 default_timeout=JOB_TIMEOUT_SECONDS, job_class=task_job_class(), serializer=JSONSerializer)


def enqueue(name: str, *args) -> None:
    """Put the task on Redis. If Redis cannot be reached the change is already committed: the task is
    logged and left (a job stays queued, an e-mail unsent until the next delivery)."""
    try:
        rq_queue().enqueue(perform, name, *args, description=f"{name}{args}", failure_ttl=7 * 86400)
    except Exception:  # a Redis outage must not turn a committed change into an error page
        log.exception("could not queue %s%s on Redis", name, args)


WORKER = {"app": None, "pid": None}


def perform(name: str, *args) -> None:
    """What RQ runs: the task inside an app context of the worker's configuration, one transaction."""
    app = WORKER["app"]
    if app is None:
        raise RuntimeError("Start workers with `flask --app award_app worker`: they need the app's configuration.")
    with app.app_context():
        begin_immediately()
        if WORKER["pid"] != os.getpid():  # a forked work horse: never share the parent's connections
            db.engine.dispose(close=False)
            WORKER["pid"] = os.getpid()
        try:
            _run(name, args)
        finally:
            db.session.remove()


def start_worker(app: Flask, *, burst: bool = False) -> None:
    from rq import Worker

    WORKER["app"], WORKER["pid"] = app, os.getpid()
    from rq.serializers import JSONSerializer

    Worker([rq_queue(app)], connection=redis_connection(app.config["REDIS_URL"]), job_class=task_job_class(),
           serializer=JSONSerializer).work(burst=burst)
