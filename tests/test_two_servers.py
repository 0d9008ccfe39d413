"""The production path: two gunicorn servers sharing one PostgreSQL database, Redis and one upload
folder, and a separate `flask worker` process that builds the certificate ZIP. A user signed in on one
server goes on on the other with the same cookie; rate limits and session ends (a password change, a sign-out
whose cookie is replayed) hold across both."""

import io
import os
import secrets
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from award_app import create_app
from award_app.certificates.models import Certificate
from award_app.extensions import db
from award_app.rounds.services import seed_reference_data
from config import database_url
from tests.helpers import PASSWORD
from tests.nominations.factories import approve, council_round, staff
from tests.servers import BIN, REDIS_URL, Browser, Processes, forget_redis_keys, redis_or_skip

POSTGRES_SERVER = database_url(os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres")
JOB_SECONDS = 180


def _postgres_admin():
    engine = create_engine(make_url(POSTGRES_SERVER).set(database="postgres"), isolation_level="AUTOCOMMIT",
                           connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return engine
    except OperationalError as error:
        engine.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {error.orig}")


@pytest.fixture
def shared_database():
    """A PostgreSQL database of this test's own with the schema, the reference data and an approved round."""
    admin = _postgres_admin()
    name = f"award_two_servers_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                               {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _prepare(url: str, uploads: Path) -> tuple[int, str]:
    """Schema, reference data and an approved round; returns (round id, secretariat e-mail)."""
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(uploads)})
    with app.app_context():
        db.create_all()
        seed_reference_data()
        round_, _dossiers, secretariat, _council, run = council_round()
        approve(round_, run, staff("approver"))
        db.session.commit()
        ids = round_.id, secretariat.email
        db.session.remove()
        db.engine.dispose()
    return ids


def _certificates(url: str) -> list[Certificate]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Certificate.code, Certificate.tier_code)).all()
    engine.dispose()
    return rows


def test_two_servers_share_the_session_and_a_separate_worker_builds_the_certificates(shared_database, tmp_path):
    redis = redis_or_skip()
    prefix = f"award-test-{uuid.uuid4().hex[:10]}"
    uploads = tmp_path / "uploads"
    round_id, secretariat_email = _prepare(shared_database, uploads)
    env = {**os.environ, "AWARD_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48),
           "DATABASE_URL": shared_database, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
           "UPLOAD_FOLDER": str(uploads), "AWARD_INSECURE_COOKIES": "1", "PUBLIC_URL": "http://127.0.0.1"}
    env.pop("MAIL_SERVER", None)
    processes = Processes(env, tmp_path)
    try:
        a, b = processes.gunicorn("server-a"), processes.gunicorn("server-b")
        browser = Browser()
        # Signed in on A …
        assert browser.sign_in(a, secretariat_email, PASSWORD) == 302, processes.log("server-a")
        # … the secretariat issues the certificates on A, and B shows them to the same cookie.
        status, _, _ = browser.submit(f"{a}/certificates/round/{round_id}/issue",
                                      form_url=f"{a}/certificates/round/{round_id}")
        assert status == 302
        issued = _certificates(shared_database)
        assert issued
        page_on_b = browser.page(f"{b}/certificates/round/{round_id}")
        assert all(code in page_on_b for code, _tier in issued)

        # B starts the ZIP; no server builds it: it waits on Redis for a worker.
        status, headers, _ = browser.submit(f"{b}/certificates/round/{round_id}/zip",
                                            form_url=f"{b}/certificates/round/{round_id}")
        assert status == 302 and "/jobs/" in headers["Location"]
        job_path = headers["Location"].split("127.0.0.1", 1)[-1].split(":", 1)[-1]
        job_path = job_path[job_path.index("/"):]
        time.sleep(1)
        assert "0 of 0 done" in browser.page(f"{a}{job_path}")

        processes.start("worker", str(BIN / "flask"), "--app", "award_app", "worker")
        deadline = time.monotonic() + JOB_SECONDS
        while "Download" not in (progress := browser.page(f"{a}{job_path}")):
            assert "failed" not in progress, progress
            assert time.monotonic() < deadline, f"the job did not finish:\n{processes.log('worker')}"
            time.sleep(1)
        status, headers, body = browser.open(f"{b}{job_path}/result")
        assert status == 200 and headers["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert len(archive.namelist()) == len(issued)
        assert all(code in " ".join(archive.namelist()) for code, _tier in issued)
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())

        # A password changed on A ends the session another browser holds on B.
        other = Browser()
        other.sign_in(b, secretariat_email, PASSWORD)
        assert other.open(f"{b}/certificates/round/{round_id}")[0] == 200
        status, _, _ = browser.submit(f"{a}/accounts/password", {
            "current": PASSWORD, "password": "song-hong-chay-qua-pho", "confirm": "song-hong-chay-qua-pho"},
            form_url=f"{a}/accounts/password")
        assert status == 302
        status, headers, _ = other.open(f"{b}/certificates/round/{round_id}")
        assert status == 302 and "/accounts/login" in headers["Location"]

        # Signed out on A: a copy of the cookie taken before is refused on B (the session ended in the database).
        owner, thief = Browser(), Browser()
        assert owner.sign_in(a, secretariat_email, "song-hong-chay-qua-pho") == 302
        thief.set_cookie("session", owner.cookie("session"))
        assert thief.open(f"{b}/accounts/sessions")[0] == 200
        assert owner.submit(f"{a}/accounts/logout", form_url=f"{a}/accounts/privacy")[0] == 302
        status, headers, _ = thief.open(f"{b}/accounts/sessions")
        assert status == 302 and "/accounts/login" in headers["Location"]

        # Failed sign-ins count on Redis, whichever server they reach: the sixth in a minute is refused.
        guesser = Browser()
        answers = [guesser.submit(f"{server}/accounts/login", {"email": secretariat_email, "password": "sai-mat-khau"},
                                  form_url=f"{server}/accounts/login")[0] for server in (a, b, a, b, a, b)]
        assert answers[:5] == [200] * 5 and answers[5] == 429
    finally:
        processes.stop_all()
        forget_redis_keys(redis, prefix)
    assert all(process.poll() is not None for process, _log in processes.started)
