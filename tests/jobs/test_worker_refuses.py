"""The worker runs only the application's own named tasks (issue 15, point 14): whoever can write to the
Redis queue cannot make it run another function, unpickle a payload or call a callback named in Redis."""

from rq import Queue
from rq.serializers import JSONSerializer

from award_app.jobs import tasks
from tests.servers import redis_or_skip

CALLBACK_MARK = "award-callback-ran"


def hostile_queue(redis_app, **options) -> Queue:
    """The application's queue as an attacker with access to Redis writes to it, with RQ's own client."""
    return Queue(redis_app.config["REDIS_PREFIX"], connection=redis_or_skip(), **options)


def failure(job_id: str) -> str:
    """The error the worker recorded for a failed job."""
    job = tasks.rq_queue().fetch_job(job_id)
    assert job.get_status() == "failed"
    return job.latest_result().exc_string


def test_a_function_put_on_the_queue_by_name_is_refused(redis_app, tmp_path):
    target = tmp_path / "made-by-the-queue"
    pickled = hostile_queue(redis_app).enqueue("os.makedirs", str(target))
    as_json = hostile_queue(redis_app, serializer=JSONSerializer).enqueue("os.makedirs", str(target / "json"))
    tasks.start_worker(redis_app, burst=True)
    assert not target.exists()
    assert "DeserializationError" in failure(pickled.id)  # a pickle is never unpickled
    assert "NotATask: not an application task: 'os.makedirs'" in failure(as_json.id)


def test_our_own_entry_point_with_an_unknown_task_or_odd_arguments_is_refused(redis_app):
    queue = hostile_queue(redis_app, serializer=JSONSerializer)
    unknown = queue.enqueue(tasks.PERFORM, "os.makedirs", "/tmp/x")
    odd = queue.enqueue(tasks.PERFORM, "jobs.run", {"id": 1})
    tasks.start_worker(redis_app, burst=True)
    assert "unknown task 'os.makedirs'" in failure(unknown.id)
    assert "plain values only" in failure(odd.id)


def mark_callback(job, connection, *outcome):
    """A function an attacker names as a job's callback: it leaves a key in Redis if it is ever called."""
    connection.set(f"{job.origin}:{CALLBACK_MARK}", "1")


def test_a_callback_named_in_redis_is_never_called(redis_app):
    from rq import Callback

    queue = hostile_queue(redis_app, serializer=JSONSerializer)
    callback = Callback(f"{__name__}.mark_callback")
    refused = queue.enqueue(tasks.PERFORM, "no.such.task", on_failure=callback, on_stopped=callback)
    ours = queue.enqueue(tasks.PERFORM, "notifications.deliver", on_success=callback)
    tasks.start_worker(redis_app, burst=True)
    assert refused.id in tasks.rq_queue().failed_job_registry.get_job_ids()
    assert ours.id in tasks.rq_queue().finished_job_registry.get_job_ids()  # our task ran, its callback did not
    assert not queue.connection.exists(f"{queue.name}:{CALLBACK_MARK}")
