"""Fixtures: an app per test on SQLite (in memory) and, when TEST_DATABASE_URL is set, on a
PostgreSQL database of this run's own, created here and dropped at the end. Files go to the test's own
folder; a test that parametrises `storage_backend` with "s3" gets an S3 bucket instead, served over HTTP by
moto on 127.0.0.1 (each test under its own prefix)."""

import os
import uuid
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from award_app import create_app
from award_app.accounts import services as accounts
from award_app.accounts.models import Role
from award_app.extensions import db
from award_app.rounds.services import seed_reference_data
from config import database_url
from tests.helpers import PASSWORD, login

POSTGRES_URL = database_url(os.environ.get("TEST_DATABASE_URL") or None)
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session")
def postgres_database():
    """A uniquely named database on the server of TEST_DATABASE_URL, dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"award_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    schema_app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with schema_app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
        ), {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _empty_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    # TRUNCATE does not fire the audit log's row triggers, which refuse DELETE.
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


class RequestClient(FlaskClient):
    """Each request gets its own app context and database connection, as in a server: no `g`, no
    session shared with the test or with another client."""

    def open(self, *args, **kwargs):
        db.session.commit()  # the test's own changes are visible to the request…
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()  # …and the request's to the test (a new snapshot; objects reload)
        return response


@pytest.fixture(scope="session")
def s3_server():
    """An S3 server (moto) on a free port of 127.0.0.1 with one bucket; the settings that reach it."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {"S3_BUCKET": "giai-thuong-test", "S3_ENDPOINT_URL": f"http://{host}:{port}",
                "S3_REGION": "ap-southeast-1", "S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret"}
    client = boto3.session.Session().client(
        "s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name=settings["S3_REGION"],
        aws_access_key_id=settings["S3_ACCESS_KEY_ID"], aws_secret_access_key=settings["S3_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=settings["S3_BUCKET"],
                         CreateBucketConfiguration={"LocationConstraint": settings["S3_REGION"]})
    yield settings
    server.stop()


@pytest.fixture
def storage_backend():
    """"local" (the default) or "s3": parametrise this name to run a test against the S3 backend."""
    return "local"


def _storage_settings(request, tmp_path) -> dict:
    if request.getfixturevalue("storage_backend") == "s3":
        return {"STORAGE_BACKEND": "s3", "S3_PREFIX": f"test-{uuid.uuid4().hex}",
                **request.getfixturevalue("s3_server")}
    return {"STORAGE_BACKEND": "local", "UPLOAD_FOLDER": str(tmp_path / "uploads")}


@contextmanager
def seeded_app(request, folder, database: str = "sqlite", **settings):
    """An app in its own app context on an empty, seeded database: a SQLite file in `folder` (as in
    production: each session has its own connection, WAL and BEGIN IMMEDIATE apply) or this run's
    PostgreSQL database."""
    url = request.getfixturevalue("postgres_database") if database == "postgresql" \
        else f"sqlite:///{folder / 'test.db'}"
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": str(folder / "uploads"), **settings})
    app.test_client_class = RequestClient
    with app.app_context():
        if database == "postgresql":
            _empty_postgres()
        else:
            db.create_all()
        seed_reference_data()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=DATABASES)
def app(request, tmp_path):
    with seeded_app(request, tmp_path, request.param, **_storage_settings(request, tmp_path)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """make_user("secretariat") → a committed staff user with that role and PASSWORD."""
    def make(*roles: str, email: str | None = None, full_name: str = "Nguyễn Văn Thử") -> object:
        email = email or f"{'-'.join(roles) or 'nobody'}-{uuid.uuid4().hex[:6]}@example.vn"
        user = accounts.create_staff_account(email=email, password=PASSWORD, full_name=full_name,
                                             organisation="Bộ Nông nghiệp và Môi trường",
                                             roles={Role(r) for r in roles})
        db.session.commit()
        return user
    return make


@pytest.fixture
def signed_in(client, make_user):
    """signed_in("secretariat") → a client signed in as a new user with that role."""
    def sign_in(*roles: str):
        user = make_user(*roles)
        login(client, user)
        return user
    return sign_in
