"""S9: the append-only log cannot be flooded. A refused page is recorded only when it names objects that exist
(not a mistyped address, a static file or the browser's favicon), each path once an hour per user; failed
sign-ins for addresses with no account are bounded per client address; writing the event never turns a 404
into a server error."""

import re
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from award_app.accounts.services import UNKNOWN_SIGN_INS_PER_HOUR
from award_app.audit import services as audit_services
from award_app.audit.models import AuditEvent
from award_app.audit.views import DENIED_PER_HOUR, id_table
from award_app.extensions import db
from tests.helpers import submit
from tests.nominations.factories import ECO_SCHOOL, applicant, draft, open_round


def _count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _all_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_thousand_unknown_addresses_static_files_and_favicons_add_nothing(app, client, signed_in):
    signed_in("applicant")
    before = _all_events()
    for n in range(1000):
        url = ("/favicon.ico", "/static/missing.css", f"/khong-co-trang-nay/{n}", f"/nominations/{n + 10_000}",
               f"/rounds/{n + 10_000}/settings")[n % 5]
        assert client.get(url).status_code == 404
    assert _all_events() == before


def test_a_real_object_refused_is_recorded_once_an_hour(app, client, signed_in):
    owner = applicant("school")
    nomination = draft(open_round(), owner, ECO_SCHOOL)
    intruder = signed_in("applicant")
    for _ in range(5):
        assert client.get(f"/nominations/{nomination.id}").status_code == 404
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert len(events) == 1
    assert events[0].user_id == intruder.id and events[0].details["path"] == f"/nominations/{nomination.id}"


def test_refused_pages_recorded_per_user_are_bounded(app, client, signed_in):
    """A signed-in user walking through many real pages they may not see: at most DENIED_PER_HOUR events."""
    round_ = open_round()
    signed_in("applicant")
    pages = ["/rounds/", "/audit/", "/accounts/admin/", f"/rounds/{round_.id}/settings"]
    pages += [f"/rounds/calendar/{year}" for year in range(2000, 2000 + DENIED_PER_HOUR)]
    for url in pages:
        assert client.get(url).status_code == 404
    assert _count("access.denied") == DENIED_PER_HOUR


def test_failed_sign_ins_for_unknown_addresses_are_bounded_per_client_address(app, make_user):
    known = make_user("secretariat")
    client = app.test_client()
    for n in range(3 * UNKNOWN_SIGN_INS_PER_HOUR):
        submit(client, "/accounts/login", {"email": f"khong-co-{n}@example.vn", "password": "doan-mo-123"})
    for _ in range(3):
        submit(client, "/accounts/login", {"email": "khong-co-0@example.vn", "password": "doan-mo-123"})
    assert _count("auth.sign_in_failed") == UNKNOWN_SIGN_INS_PER_HOUR
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    submit(other_address, "/accounts/login", {"email": "khong-co-0@example.vn", "password": "doan-mo-123"})
    assert _count("auth.sign_in_failed") == UNKNOWN_SIGN_INS_PER_HOUR + 1
    # a wrong password for an account that exists is always recorded (the sign-in throttle bounds it; the first
    # client, with 33 failures, is now refused by it before any password is checked)
    submit(other_address, "/accounts/login", {"email": known.email, "password": "doan-mo-123"})
    assert _count("auth.sign_in_failed") == UNKNOWN_SIGN_INS_PER_HOUR + 2


def test_a_failed_audit_write_still_answers_404(app, client, signed_in, monkeypatch):
    """"database is locked" (or any database error) while recording: the page is the 404, not a 500."""
    signed_in("applicant")

    def locked(*args, **kwargs):
        raise OperationalError("INSERT INTO audit_event", {}, Exception("database is locked"))

    monkeypatch.setattr(audit_services, "record", locked)
    assert client.get("/rounds/").status_code == 404
    assert _count("access.denied") == 0


def test_every_id_in_a_url_names_a_table(app):
    """A new route whose id names no table would have every 404 of it recorded as a refusal of a real object."""
    arguments = {a for rule in app.url_map.iter_rules() for a in re.findall(r"<int:(\w+_id)>", rule.rule)}
    assert arguments and {a for a in arguments if id_table(a) is None} == set()


@pytest.mark.parametrize("path", ["/static/favicon.png"])
def test_pages_name_a_favicon_that_is_served(client, path):
    assert f'rel="icon" type="image/png" href="{path}"' in client.get("/accounts/login").get_data(as_text=True)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    response.close()



def test_a_refusal_is_recorded_while_another_request_holds_the_write_lock(app, client, signed_in):
    """On SQLite a GET reads in a deferred transaction, which cannot become a write once another writer has
    committed ("database is locked" at once): the event is written in a transaction that waits for the lock."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("the write lock is SQLite's")
    signed_in("applicant")
    writer = sqlite3.connect(url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO audit_event (at, action, details) VALUES ('2026-01-01 00:00:00', 'test.writer', '{}')")
    answers = []

    def refused_page():
        with app.app_context():
            answers.append(client.get("/rounds/").status_code)

    thread = threading.Thread(target=refused_page)
    thread.start()
    time.sleep(0.5)  # the request reads meanwhile, then waits for the lock to write its event
    writer.execute("COMMIT")
    writer.close()
    thread.join(timeout=30)
    assert answers == [404]
    assert _count("access.denied") == 1
