"""R3 as in production: 16 browsers write at once for a bounded time to gunicorn with several worker
processes on one SQLite file — eight applicants saving their dossiers, eight jurors saving their
score sheets. Each process has its own connection, so only WAL, the busy timeout and BEGIN IMMEDIATE
stand between them and "database is locked". Expect zero errors and no lost update."""

import os
import re
import secrets
import threading
import time

from sqlalchemy import create_engine, select

from award_app import create_app
from award_app.extensions import db
from award_app.nominations import services as nominations
from award_app.nominations.models import Nomination
from award_app.rounds.services import seed_reference_data
from award_app.scoring.models import Score
from tests.fixtures_dossiers import open_round, school_applicant, school_details
from tests.helpers import CSRF_PATTERN, PASSWORD
from tests.nominations.factories import scoring_round
from tests.servers import Browser, Processes

WRITERS_EACH, SECONDS, WORKERS = 8, 5.0, 4
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
CRITERIA = re.compile(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"')


def _prepare(url: str, uploads) -> tuple[list[tuple[str, int]], list[tuple[str, int]], dict]:
    """Eight draft dossiers (applicant e-mail, id) and eight jurors on one scored entry (e-mail, entry id)."""
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(uploads)})
    with app.app_context():
        db.create_all()
        seed_reference_data()
        _round, dossiers, _secretariat, council = scoring_round(1, jurors=WRITERS_EACH)
        entry_id = dossiers[0].entries[0].id
        jurors = [(member.email, entry_id) for member in council]
        call = open_round(edition=2)
        drafts = []
        for n in range(WRITERS_EACH):
            applicant = school_applicant(f"w{n}@truong.vn", password=PASSWORD)
            nomination = nominations.create_nomination(call, applicant)
            nominations.save_dossier(nomination, {}, school_details(call, f"Trường số {n}"), version=None,
                                     actor=applicant)
            drafts.append((applicant.email, nomination.id))
        fields = {k: str(v) for k, v in school_details(call).items()}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return drafts, jurors, fields


def _save_dossier(browser: Browser, base: str, nomination_id: int, count: int, fields: dict) -> int:
    url = f"{base}/nominations/{nomination_id}/edit"
    page = browser.page(url)
    status, _headers, _body = browser.open(url, {
        **fields, "school_name": f"Trường số {nomination_id}", "address": f"Lần lưu {count}",
        "version": VERSION.search(page).group(1), "csrf_token": CSRF_PATTERN.search(page).group(1),
        "action": "save"})
    return status


def _save_sheet(browser: Browser, base: str, entry_id: int, count: int, _fields: dict) -> int:
    url = f"{base}/scoring/entries/{entry_id}"
    page = browser.page(url)
    form = {"version": VERSION.search(page).group(1), "csrf_token": CSRF_PATTERN.search(page).group(1),
            "action": "save"}
    for row, criterion_id in CRITERIA.findall(page):
        form |= {f"scores-{row}-criterion_id": criterion_id, f"scores-{row}-points": "10",
                 f"scores-{row}-comment": f"Lần lưu {count}"}
    status, _headers, _body = browser.open(url, form)
    return status


def test_sixteen_writers_on_four_server_processes_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'award.db'}"
    uploads = tmp_path / "uploads"
    drafts, jurors, fields = _prepare(url, uploads)
    env = {**os.environ, "AWARD_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": url,
           "UPLOAD_FOLDER": str(uploads), "AWARD_INSECURE_COOKIES": "1", "PUBLIC_URL": "http://127.0.0.1"}
    for name in ("REDIS_URL", "MAIL_SERVER"):
        env.pop(name, None)
    processes = Processes(env, tmp_path)
    errors, last_saved = [], {}
    try:
        base = processes.gunicorn("server", workers=WORKERS)
        writers = [(email, target, _save_dossier) for email, target in drafts]
        writers += [(email, target, _save_sheet) for email, target in jurors]
        browsers = []
        for email, _target, _save in writers:
            browser = Browser()
            assert browser.sign_in(base, email, PASSWORD) == 302, processes.log("server")
            browsers.append(browser)
        start = threading.Barrier(len(writers))

        def write(browser: Browser, email: str, target: int, save) -> None:
            start.wait()
            deadline, count = time.monotonic() + SECONDS, 0
            while time.monotonic() < deadline:
                count += 1
                status = save(browser, base, target, count, fields)
                if status != 302:
                    errors.append((email, status))
                else:
                    last_saved[email] = count

        threads = [threading.Thread(target=write, args=(browser, *writer))
                   for browser, writer in zip(browsers, writers, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        processes.stop_all()
    log = processes.log("server")
    assert errors == [] and "database is locked" not in log, (errors[:10], log[-3000:])
    engine = create_engine(url)
    with engine.connect() as connection:
        for email, nomination_id in drafts:
            details = connection.execute(select(Nomination.details).where(Nomination.id == nomination_id)).scalar()
            assert details["address"] == f"Lần lưu {last_saved[email]}"
        comments = set(connection.execute(select(Score.comment)).scalars())
    engine.dispose()
    assert {f"Lần lưu {last_saved[email]}" for email, _entry in jurors} <= comments
    assert all(last_saved.get(email) for email, _target, _save in writers)  # every writer saved at least once
