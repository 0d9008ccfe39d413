import uuid

import pytest

from tests.servers import REDIS_URL, forget_redis_keys, redis_or_skip


@pytest.fixture
def redis_app(app):
    """The app with Redis configured under a queue of this test's own, emptied and removed afterwards."""
    connection = redis_or_skip()
    prefix = f"award-test-{uuid.uuid4().hex[:10]}"
    app.config.update(REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix)
    yield app
    forget_redis_keys(connection, prefix)
