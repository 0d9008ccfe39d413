"""Fixtures: an app per test on SQLite (in memory) and, when TEST_DATABASE_URL is set, on a
PostgreSQL database of this run's own, created here and dropped at the end. Files go to the test's own
folder; a test that parametrises `storage_backend` with "s3" gets an S3 bucket instead, served over HTTP by
moto on 127.0.0.1 (each test under its own prefix)."""

import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.routing.rules import Rule

from award_app import create_app
from award_app.accounts import services as accounts
from award_app.accounts.models import Role
from award_app.extensions import db
from award_app.rounds.services import seed_reference_data
from config import database_url
from tests.helpers import PASSWORD, login


def _build_each_url_rule_once() -> None:
    """Every test builds an app, and Werkzeug compiles two Python functions per URL rule for it (~35 ms an
    app of our ~110 routes). The functions depend only on the rule, its parts and defaults, so the run
    compiles each once."""
    compile_builder = Rule._compile_builder
    builders: dict = {}

    def compile_once(self, append_unknown=True):
        defaults = sorted((self.defaults or {}).items())
        key = (self.rule, tuple(self._trace), append_unknown,
               tuple((name, type(self._converters.get(name)), repr(value)) for name, value in defaults))
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = compile_once


_build_each_url_rule_once()
POSTGRES_URL = database_url(os.environ.get("TEST_DATABASE_URL") or None)
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@dataclass
class PostgresDatabase:
    """This run's PostgreSQL database, and its seeded state: the rows of each table and each sequence's
    position, which every test starts from."""

    url: str
    rows: dict[str, list[dict]] = field(default_factory=dict)
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def postgres_database():
    """A uniquely named database on the server of TEST_DATABASE_URL, dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"award_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = PostgresDatabase(server.set(database=name).render_as_string(hide_password=False))
    schema_app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": database.url})
    with schema_app.app_context():
        db.create_all()
        seed_reference_data()
        db.session.commit()
        database.rows = {t.name: [dict(r._mapping) for r in db.session.execute(select(t))]
                         for t in db.metadata.sorted_tables}
        for sequence in db.session.scalars(text("SELECT relname FROM pg_class WHERE relkind = 'S'")):
            database.sequences[sequence] = tuple(db.session.execute(
                text(f'SELECT last_value, is_called FROM "{sequence}"')).one())
        db.session.remove()
        db.engine.dispose()
    yield database
    with admin.connect() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
        ), {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _restore_postgres(database: PostgresDatabase) -> None:
    """Back to the seeded state: DELETE and re-insert take ~50 ms where TRUNCATE of 41 tables and seeding
    took ~400 ms a test. Triggers are off for this transaction (the audit log's refuse DELETE), so the
    test user must be a superuser, as the local `postgres` is."""
    session = db.session
    session.execute(text("SET LOCAL session_replication_role = replica"))
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    for table in db.metadata.sorted_tables:
        if database.rows[table.name]:
            session.execute(insert(table), database.rows[table.name])
    positions = ", ".join(f"setval('\"{name}\"', {value}, {called})"
                          for name, (value, called) in database.sequences.items())
    session.execute(text(f"SELECT {positions}"))
    session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A seeded SQLite file made once; each test starts from a copy of it (creating the tables and seeding
    took ~80 ms a test)."""
    folder = tmp_path_factory.mktemp("template")
    template = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'seeded.db'}",
                           "UPLOAD_FOLDER": str(folder / "uploads")})
    with template.app_context():
        db.create_all()
        seed_reference_data()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return folder / "seeded.db"


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
    if database == "postgresql":
        postgres = request.getfixturevalue("postgres_database")
        url = postgres.url
    else:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), folder / "test.db")
        url = f"sqlite:///{folder / 'test.db'}"
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": str(folder / "uploads"), **settings})
    app.test_client_class = RequestClient
    with app.app_context():
        if database == "postgresql":
            _restore_postgres(postgres)
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
