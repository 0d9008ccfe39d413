"""A bulk certificate ZIP followed in a real browser (Debian's Chromium through Playwright) while it is made:

- with Redis, by a separate `flask --app award_app worker` process, the app served by gunicorn (production
  configuration, its own REDIS_PREFIX, a shared SQLite file and file store);
- without Redis, by a background thread of the web process.

The secretariat starts the ZIP of an approved round whose certificates the job draws, watches the bar and its
text change without a reload until the download link appears, leaves, comes back to the round's certificates
page, which shows that latest job, and downloads the ZIP. Skipped, saying why, without Redis or Chromium."""

import io
import os
import re
import secrets
import uuid
import zipfile

import pytest
from sqlalchemy import select

from award_app import create_app
from award_app.certificates.models import Certificate
from award_app.extensions import db
from award_app.jobs import tasks
from award_app.rounds.services import seed_reference_data
from tests.browser.scenario import pass_second_step
from tests.helpers import PASSWORD
from tests.nominations.factories import approve, council_round, staff
from tests.servers import BIN, REDIS_URL, Processes, forget_redis_keys, redis_or_skip

PRIZES = 24  # a second or two of drawing by a pool of processes, seen by a page that asks every 0.1 s
JOB_MS = 120_000
# The page asks often, so that it sees the bar between 0 and 100 however fast this machine draws.
POLL_SECONDS = 0.1

# Every change the page's script makes to the bar and its text, and a mark that a reload would wipe out.
WATCH = """() => {
  window.stillTheSamePage = true;
  window.seen = [];
  const box = document.querySelector("[data-job-status-url]");
  const bar = box.querySelector("progress"), text = box.querySelector("[data-job-text]");
  new MutationObserver(() => {
    if (bar.isConnected) { window.seen.push([Number(bar.getAttribute("value")), text.textContent]); }
  }).observe(box, {attributes: true, childList: true, characterData: true, subtree: true});
}"""


def approved_round_of(prizes: int):
    """An approved round with `prizes` prize-winning entries and no certificate issued yet."""
    round_, _dossiers, secretariat, _council, run = council_round(((22, 24, 23, 21),) * prizes,
                                                                   prizes_per_group=prizes)
    approve(round_, run, staff("approver"))
    return round_, secretariat


def sign_in(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button.primary")
    pass_second_step(page, email)
    return page


def follow_the_zip(chromium, base: str, round_id: int, email: str, tmp_path) -> list[str]:
    """What the secretariat does and sees in the browser; returns the names in the downloaded ZIP."""
    from playwright.sync_api import expect

    context = chromium.new_context(locale="vi-VN")
    context.set_default_timeout(15_000)
    try:
        page = sign_in(context, base, email)
        certificates_page = f"{base}/certificates/round/{round_id}"
        page.goto(certificates_page)
        page.click("form[action$='/zip'] button")
        page.wait_for_url(re.compile(r"/jobs/\d+$"))
        job_path = page.url[len(base):]
        assert page.locator("progress").count() == 1, "the job was finished before its page was shown"
        page.evaluate(WATCH)
        link = page.locator(f"a[href='{job_path}/result']")
        link.wait_for(timeout=JOB_MS)
        seen = page.evaluate("window.seen")
        assert page.evaluate("window.stillTheSamePage") is True  # the bar became the link without a reload
        assert any(0 < value < 100 for value, _text in seen), seen  # the bar moved while the job ran
        assert len({text for _value, text in seen}) >= 1 and all("/" in text for _value, text in seen), seen

        page.goto(f"{base}/")  # leave, and come back to the round's certificates
        page.goto(certificates_page)
        latest = page.locator(".latest-job")
        expect(latest.locator(f"a[href='{job_path}']")).to_be_visible()
        with page.expect_download() as download:
            latest.locator(f"a[href='{job_path}/result']").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        return zipfile.ZipFile(io.BytesIO(target.read_bytes())).namelist()
    finally:
        context.close()


def expected_names() -> list[str]:
    db.session.rollback()  # a new snapshot: the job wrote since
    return sorted(f"{c.entry.nomination.reference}-{c.tier_code}-{c.code}.pdf"
                  for c in db.session.scalars(select(Certificate)))


@pytest.fixture
def worker_platform(chromium, tmp_path):
    """gunicorn and a separate RQ worker on Redis under a prefix of their own, sharing a SQLite file and a
    file store; yields (base URL, app for the test's own data). Both processes and the keys go at the end."""
    redis = redis_or_skip()
    prefix = f"award-test-{uuid.uuid4().hex[:10]}"
    database, uploads = tmp_path / "shared.db", tmp_path / "uploads"
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "UPLOAD_FOLDER": str(uploads)})
    env = {**os.environ, "AWARD_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48),
           "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
           "UPLOAD_FOLDER": str(uploads), "AWARD_INSECURE_COOKIES": "1", "PUBLIC_URL": "http://127.0.0.1",
           "JOB_PROGRESS_POLL_SECONDS": str(POLL_SECONDS)}
    env.pop("MAIL_SERVER", None)
    processes = Processes(env, tmp_path)
    with app.app_context():
        db.create_all()
        seed_reference_data()
        db.session.commit()
        try:
            base = processes.gunicorn("server")
            processes.start("worker", str(BIN / "flask"), "--app", "award_app", "worker")
            yield base, processes
        finally:
            processes.stop_all()
            forget_redis_keys(redis, prefix)
            db.session.remove()
            db.engine.dispose()


def test_a_separate_worker_makes_the_zip_and_the_browser_shows_its_progress(worker_platform, chromium, tmp_path):
    base, processes = worker_platform
    round_, secretariat = approved_round_of(PRIZES)
    names = follow_the_zip(chromium, base, round_.id, secretariat.email, tmp_path)
    assert sorted(names) == expected_names() and len(names) == PRIZES
    assert "jobs.run" in processes.log("worker")  # the worker did it, not the server


@pytest.fixture
def threaded_server(live_app, live_server):
    """The live server without Redis, its work in a background thread as `make run` does it."""
    live_app.config.update(JOBS_RUN_INLINE=False, JOB_PROGRESS_POLL_SECONDS=POLL_SECONDS)
    yield live_server
    assert tasks.wait_for_background(JOB_MS / 1000)


def test_without_redis_the_zip_is_made_in_a_thread_and_the_bar_moves(threaded_server, chromium, tmp_path):
    round_, secretariat = approved_round_of(PRIZES)
    names = follow_the_zip(chromium, threaded_server.url, round_.id, secretariat.email, tmp_path)
    assert sorted(names) == expected_names() and len(names) == PRIZES
