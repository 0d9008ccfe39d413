"""Real servers for tests over HTTP: gunicorn processes on ports the system chooses, and a browser's
cookie jar that returns redirects instead of following them."""

import os
import re
import signal
import subprocess  # nosec B404 - the tests start the servers they check
import sys
import time
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from tests.helpers import CSRF_PATTERN, PHONE, SECRET_PATTERN

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BIN = Path(sys.executable).parent
START_SECONDS = 60


class Browser:
    """A browser's cookie jar over plain HTTP: redirects are returned, not followed."""

    class _NoRedirect(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), self._NoRedirect())
        self.set_cookie("lang", "en")

    def set_cookie(self, name: str, value: str) -> None:
        self.jar.set_cookie(Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
                                   False, None, None, {}))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def open(self, url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(Request(url, data=body), timeout=60) as response:  # nosec B310 - http://127.0.0.1
                return response.status, dict(response.headers), response.read()
        except HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def page(self, url: str) -> str:
        status, _headers, body = self.open(url)
        assert status == 200, (url, status, body[:300])
        return body.decode()

    def submit(self, url: str, data: dict | None = None, *, form_url: str) -> tuple[int, dict, bytes]:
        """POST a form with the CSRF token of the page that shows it."""
        token = CSRF_PATTERN.search(self.page(form_url)).group(1)
        return self.open(url, {**(data or {}), "csrf_token": token})

    def sign_in(self, base: str, email: str, password: str) -> int:
        """The password, then the second step as a person does it: the authenticator app set up from the
        enrolment page (staff, jurors, endorsers, at their first sign-in) or its code (PHONE keeps the keys)."""
        status, _headers, _body = self.submit(f"{base}/accounts/login", {"email": email, "password": password},
                                              form_url=f"{base}/accounts/login")
        if status != 302:
            return status
        status, headers, _body = self.open(f"{base}/accounts/second-factor/")
        if status == 302 and "/accounts/second-factor/enrol" in headers["Location"]:
            page = self.page(f"{base}/accounts/second-factor/enrol")
            PHONE.add(email, SECRET_PATTERN.search(page).group(1).replace(" ", ""))
            status, _headers, body = self.open(f"{base}/accounts/second-factor/enrol", {
                "csrf_token": CSRF_PATTERN.search(page).group(1), "code": PHONE.code(email)})
            assert status == 200 and b"recovery-codes" in body, (status, body[:300])
        elif status == 200:
            status, _headers, body = self.submit(f"{base}/accounts/second-factor/", {"code": PHONE.code(email)},
                                                 form_url=f"{base}/accounts/second-factor/")
            assert status == 302, (status, body[:300])
        return 302


class Processes:
    """The servers and the worker this test starts, each in its own process group, all ended at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - kept open for the process's life
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,  # nosec B603
                                   start_new_session=True)
        self.started.append((process, log))
        return process

    def gunicorn(self, name: str, workers: int = 1) -> str:
        """A server on a port the system chooses; returns its base URL once it listens."""
        process = self.start(name, str(BIN / "gunicorn"), "--workers", str(workers), "--timeout", "120",
                             "--bind", "127.0.0.1:0", "wsgi:app")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log(name))
            if found:
                return found.group(1)
            assert process.poll() is None, f"{name} stopped:\n{self.log(name)}"
            time.sleep(0.2)
        raise AssertionError(f"{name} did not start within {START_SECONDS} s:\n{self.log(name)}")

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process, _log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            log.close()


def redis_or_skip():
    """A connection to the test Redis, or the test is skipped saying why."""
    import pytest
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return connection


def forget_redis_keys(connection, prefix: str) -> None:
    """The RQ queue named `prefix`, its registries, its jobs and the rate limits under that prefix."""
    from rq import Queue

    queue = Queue(prefix, connection=connection)
    job_ids = set(queue.job_ids)
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
        job_ids |= set(registry.get_job_ids())
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
