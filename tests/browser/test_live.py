"""In a real browser (Playwright driving Debian's Chromium): a score sheet saves itself as the juror types and
keeps the text across a reload; a sheet changed in another tab is never overwritten; a job's progress bar moves
without the page reloading. Skipped, with the reason, where Chromium cannot be launched.

The application runs in a thread of this process on a port the OS gives; the test plays the job's worker."""

import re

import pytest

from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs.models import Job, JobState
from award_app.scoring.models import ScoreSheet, SheetState
from tests.browser.scenario import pass_second_step
from tests.helpers import PASSWORD
from tests.nominations.factories import scoring_round, staff

WAIT_MS = 15_000


@pytest.fixture
def browser(chromium):
    """The package's Chromium (conftest.py): a second Playwright started here would meet its asyncio loop."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=WAIT_MS)
    return chromium


@pytest.fixture
def live(live_server):
    """The app served on 127.0.0.1 and a free port, on its own SQLite file (conftest.py); the base URL."""
    return live_server.url


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button.primary")
    pass_second_step(page, user.email)


def stored_sheet() -> tuple[SheetState | None, list[str]]:
    db.session.rollback()  # a new snapshot: the server wrote since this session last read
    sheet = db.session.scalar(db.select(ScoreSheet))
    return (None, []) if sheet is None else (sheet.state, [s.comment for s in sheet.scores])


def worker_reports(job_id: int, **values) -> None:
    """What the job's worker writes, as a transaction of its own that starts by writing (SQLite's lock)."""
    db.session.rollback()
    db.session.execute(db.update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def test_a_score_sheet_saves_itself_and_the_text_is_there_after_a_reload(live, context):
    _, (nomination,), _, (member,) = scoring_round(1)
    page = context.new_page()
    sign_in(page, live, member)
    page.goto(f"{live}/scoring/entries/{nomination.entries[0].id}")
    page.fill("input[name='scores-0-points']", "18")
    page.fill("textarea[name='scores-0-comment']", "Kế hoạch môi trường rõ ràng, có số liệu theo dõi.")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text=re.compile(r"Đã lưu lúc \d\d:\d\d")).wait_for()
    page.reload()
    assert page.input_value("textarea[name='scores-0-comment']") == "Kế hoạch môi trường rõ ràng, có số liệu theo dõi."
    assert page.input_value("input[name='scores-0-points']") == "18"
    state, comments = stored_sheet()
    assert state == SheetState.DRAFT  # saved, never submitted
    assert comments[0] == "Kế hoạch môi trường rõ ràng, có số liệu theo dõi."


def test_a_sheet_changed_in_another_tab_is_not_overwritten_and_the_text_stays(live, context):
    _, (nomination,), _, (member,) = scoring_round(1)
    first = context.new_page()
    sign_in(first, live, member)
    url = f"{live}/scoring/entries/{nomination.entries[0].id}"
    first.goto(url)
    second = context.new_page()
    second.goto(url)
    first.fill("textarea[name='scores-0-comment']", "Nhận xét ở thẻ thứ nhất.")
    first.locator("[data-autosave-status]").filter(has_text="Đã lưu lúc").wait_for()
    second.fill("textarea[name='scores-0-comment']", "Nhận xét ở thẻ thứ hai.")
    second.locator("[data-autosave-status]").filter(has_text="đã được thay đổi ở nơi khác").wait_for()
    assert second.input_value("textarea[name='scores-0-comment']") == "Nhận xét ở thẻ thứ hai."
    assert stored_sheet()[1][0] == "Nhận xét ở thẻ thứ nhất."


def test_a_jobs_progress_bar_moves_without_reloading_and_becomes_the_download_link(live, context):
    owner = staff("secretariat")
    job = jobs.create("certificates_zip", round_id=None, actor=owner)
    job.state, job.done, job.total = JobState.RUNNING, 1, 10
    db.session.commit()
    job_id, result = job.id, jobs.keep_bytes(b"PK\x05\x06" + bytes(18))
    page = context.new_page()
    sign_in(page, live, owner)
    page.goto(f"{live}/jobs/{job_id}")
    assert page.get_attribute("progress", "value") == "10"
    page.evaluate("window.stillTheSamePage = true")
    worker_reports(job_id, done=6)
    expect(page.locator("progress")).to_have_attribute("value", "60")  # the script set it; the page is the same
    assert page.inner_text("[data-job-text]").startswith("Đã xử lý 6/10.")
    worker_reports(job_id, state=JobState.DONE, done=10, result_name="giay-chung-nhan.zip", result_sha256=result)
    link = page.get_by_role("link", name=re.compile("giay-chung-nhan.zip"))
    link.wait_for()
    assert link.get_attribute("href") == f"/jobs/{job_id}/result"
    assert page.evaluate("window.stillTheSamePage") is True  # no reload happened on the way
