"""An empty database upgraded from zero equals the models: no migration is missing."""

import json
import os
import re
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from award_app import create_app
from award_app.extensions import db
from config import database_url

POSTGRES_URL = database_url(os.environ.get("TEST_DATABASE_URL") or None)


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = make_url(POSTGRES_URL)
    name = f"award_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_from_zero_match_the_models(empty_database_url):
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {"user", "round", "audit_event", "province", "programme"} <= tables


def test_migrated_audit_log_refuses_update_and_delete(empty_database_url):
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO audit_event (at, action, details) VALUES "
                                    "(CURRENT_TIMESTAMP, 'test.event', '{}')"))
        for statement in ("UPDATE audit_event SET action = 'changed'", "DELETE FROM audit_event"):
            with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
                connection.execute(text(statement))
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT action FROM audit_event")).scalars().all() == ["test.event"]
        db.engine.dispose()


def test_accounts_made_before_e_mail_confirmation_count_as_confirmed(empty_database_url):
    """mailconf01 adds user.email_confirmed_at: an existing account is not asked to confirm its address."""
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="mfa0001")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO \"user\" (email, password_hash, full_name, organisation, phone, is_active_account, "
                "session_version, created_at) VALUES ('cu@example.vn', 'x', 'Người Cũ', '', '', true, 1, "
                "CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as connection:
            confirmed = connection.execute(text('SELECT email_confirmed_at, created_at FROM "user"')).one()
        db.engine.dispose()
    assert confirmed[0] is not None and confirmed[0] == confirmed[1]


def test_migration_files_are_date_prefixed_and_described():
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    files = sorted(versions.glob("*.py"))
    assert files
    for path in files:
        assert path.name[:8].isdigit() and path.name[8] == "_", path.name
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert len(first_line.strip('"')) > 10, f"{path.name} has no message"


def test_dossiers_in_the_removed_states_stay_in_the_competition(empty_database_url, tmp_path):
    """lifecycle01: "scored" and "proposed" were never set; a row in either becomes "under_review", which the
    ranking and the approval read as they read those two, and the database then refuses both."""
    from sqlalchemy.exc import IntegrityError

    from award_app.nominations.models import Entry
    from award_app.nominations.services import create_nomination
    from award_app.rounds.services import seed_reference_data
    from tests.fixtures_dossiers import open_round, school_applicant

    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade()  # the rows are made with today's models, then the schema goes back to before lifecycle01
        seed_reference_data()
        round_ = open_round()  # three schools: one applicant has one unnamed draft at a time (onedossier01)
        ids = [create_nomination(round_, school_applicant(email=f"truong{n}@example.vn")).id for n in range(3)]
        db.session.add(Entry(nomination_id=ids[0], group_id=round_.groups[0].id))
        db.session.commit()
        db.session.remove()
        downgrade(revision="sessions01")
        for number, (nomination_id, state) in enumerate(zip(ids, ("scored", "proposed", "eligible"), strict=True)):
            db.session.execute(text("UPDATE nomination SET state = :state, reference = :reference WHERE id = :id"),
                               {"state": state, "reference": f"ES-2026-{number + 1:04d}", "id": nomination_id})
        db.session.commit()
        db.session.remove()
        upgrade()
        with db.engine.connect() as connection:
            states = dict(connection.execute(text("SELECT id, state FROM nomination")).all())
        assert [states[i] for i in ids] == ["under_review", "under_review", "eligible"]
        with db.engine.connect() as connection:  # recreating "nomination" (twice) deleted no row referring to it
            assert connection.execute(text("SELECT nomination_id FROM entry")).scalars().all() == [ids[0]]
        for state in ("scored", "proposed"):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text("UPDATE nomination SET state = :state"), {"state": state})
        db.engine.dispose()


def test_the_files_sort_in_the_order_they_run():
    """`ls migrations/versions` reads as the history: date and time lead each name, and the chain agrees."""
    folder = Path(__file__).parent.parent / "migrations" / "versions"
    links = {}
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = ['\"](\w+)['\"]", source, re.M).group(1)
        down = re.search(r"^down_revision = (?:['\"](\w+)['\"]|None)", source, re.M).group(1)
        assert re.fullmatch(rf"\d{{8}}_\d{{4}}_{revision}_\w+\.py", path.name), path.name
        links[down] = path.name
    chain, revision_file = [], links.get(None)
    while revision_file:
        chain.append(revision_file)
        revision = revision_file.split("_")[2]
        revision_file = links.get(revision)
    assert chain == sorted(path.name for path in folder.glob("*.py"))


def test_one_dossier_migration_keeps_existing_duplicates_and_sets_the_later_ones_apart(empty_database_url, tmp_path):
    """onedossier01 on a database that already holds two dossiers of one school and level (and a withdrawn one):
    every dossier is kept, the oldest keeps the key, the later one is set apart as "key#id" (still read as the same
    key: flagged, and not submittable), and the unique index then holds."""
    from award_app.nominations.models import Nomination
    from award_app.nominations.services import possible_duplicates
    from award_app.rounds.services import seed_reference_data
    from tests.nominations.factories import ECO_SCHOOL, applicant, draft, open_round, submitted

    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        round_ = open_round()
        school = applicant("school")
        first = submitted(round_, school, ECO_SCHOOL)
        second = submitted(round_, school, {**ECO_SCHOOL, "level": "thpt"})
        withdrawn = draft(round_, school, {**ECO_SCHOOL, "level": "tieu_hoc"})
        withdrawn.state = "withdrawn"
        ids, round_id, school_id = (first.id, second.id, withdrawn.id), round_.id, school.id
        db.session.commit()
        db.session.remove()
        downgrade(revision="asean01")  # just before onedossier01
        with db.engine.begin() as connection:  # as before the rule: the same school and level twice
            connection.execute(text("UPDATE nomination SET details = :details WHERE id IN (:a, :b)"),
                               {"details": json.dumps(ECO_SCHOOL), "a": ids[1], "b": ids[2]})
        upgrade()
        keys = dict(db.session.execute(text("SELECT id, dossier_key FROM nomination")).all())
        assert keys == {ids[0]: "nguyen trai|thcs", ids[1]: f"nguyen trai|thcs#{ids[1]}",
                        ids[2]: "nguyen trai|thcs"}
        assert possible_duplicates([round_id]) == {ids[0]: [(ids[1], "ES-2026-0002")],
                                                    ids[1]: [(ids[0], "ES-2026-0001")]}
        db.session.add(Nomination(round_id=round_id, applicant_id=school_id, dossier_key="nguyen trai|thcs"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
