import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except RedisError:
        return False


@pytest.fixture
def redis_app(app):
    """The app with Redis configured under a queue of this test's own, emptied and removed afterwards."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    from award_app.jobs import tasks

    app.config.update(REDIS_URL=REDIS_URL, REDIS_PREFIX=f"award-test-{uuid.uuid4().hex[:10]}")
    queue = tasks.rq_queue(app)
    yield app
    connection = queue.connection
    job_ids = set(queue.job_ids)
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
        job_ids |= set(registry.get_job_ids())
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(f"rq:*{app.config['REDIS_PREFIX']}*"):
        connection.delete(key)
