"""In a real browser (S13): a juror is warned before the session ends for want of activity and can stay
signed in; a juror whose session ended while typing loses nothing, whether they sign in again in another tab
(the page's autosave resumes by itself) or reload the page and sign in there (the text is put back)."""

import re
from datetime import timedelta

from sqlalchemy import select

from award_app.accounts.models import UserSession
from award_app.clock import utcnow
from award_app.extensions import db
from tests.browser import test_live
from tests.browser.scenario import pass_second_step
from tests.browser.test_live import expect, sign_in, stored_sheet
from tests.nominations.factories import scoring_round

# The fixtures of test_live.py: its browser, live server and browser context.
browser, live, context = test_live.browser, test_live.live, test_live.context

SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d")


def end_for_want_of_activity(user) -> None:
    """The clock moved on an hour: the server ends the session at its next request."""
    db.session.rollback()
    for session in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                                UserSession.ended_at.is_(None))):
        session.last_seen_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def sheet_page(context, live, member, nomination):
    page = context.new_page()
    sign_in(page, live, member)
    page.goto(f"{live}/scoring/entries/{nomination.entries[0].id}")
    page.fill("textarea[name='scores-0-comment']", "Bản nháp đầu tiên.")
    page.locator("[data-autosave-status]").filter(has_text=SAVED).wait_for()
    return page


def test_signed_out_while_typing_then_signed_in_in_another_tab_the_text_is_saved(live, context):
    _, (nomination,), _, (member,) = scoring_round(1)
    page = sheet_page(context, live, member, nomination)
    end_for_want_of_activity(member)
    page.fill("textarea[name='scores-0-comment']", "Nhận xét viết sau khi phiên đã hết hạn.")
    page.locator("[data-autosave-status]").filter(has_text="bạn đã bị đăng xuất").wait_for()
    assert page.input_value("textarea[name='scores-0-comment']") == "Nhận xét viết sau khi phiên đã hết hạn."
    sign_in(context.new_page(), live, member)  # another tab, the same browser
    page.locator("[data-autosave-status]").filter(has_text=SAVED).wait_for()  # retried by itself
    assert stored_sheet()[1][0] == "Nhận xét viết sau khi phiên đã hết hạn."


def test_signed_out_while_typing_then_reloaded_and_signed_in_the_text_is_put_back(live, context):
    _, (nomination,), _, (member,) = scoring_round(1)
    page = sheet_page(context, live, member, nomination)
    end_for_want_of_activity(member)
    page.fill("textarea[name='scores-0-comment']", "Nhận xét không được mất.")
    page.locator("[data-autosave-status]").filter(has_text="bạn đã bị đăng xuất").wait_for()
    page.reload()  # the sign-in page, which comes back here
    page.wait_for_url(re.compile(r"/accounts/login"))
    page.fill("input[name=email]", member.email)
    page.fill("input[name=password]", "correct-horse-42")
    page.click("form:has(input[name=password]) button.primary")
    pass_second_step(page, member.email)
    page.wait_for_url(re.compile(r"/scoring/entries/"))
    assert page.input_value("textarea[name='scores-0-comment']") == "Nhận xét không được mất."
    page.locator("[data-autosave-status]").filter(has_text=SAVED).wait_for()
    assert stored_sheet()[1][0] == "Nhận xét không được mất."


def test_a_warning_comes_before_the_idle_end_and_staying_signed_in_keeps_the_session(live, context):
    _, (nomination,), _, (member,) = scoring_round(1)
    page = context.new_page()
    page.clock.install()
    sign_in(page, live, member)
    page.goto(f"{live}/scoring/entries/{nomination.entries[0].id}")
    page.clock.fast_forward("26:00")  # 30 minutes of idle time, warned 5 minutes before
    warning = page.get_by_role("alert").filter(has_text="Bạn sẽ bị đăng xuất sau vài phút nữa")
    expect(warning).to_be_visible()
    page.get_by_role("button", name="Tiếp tục đăng nhập").click()
    expect(warning).to_have_count(0)
    page.clock.fast_forward("31:00")
    expect(page.get_by_role("alert").filter(has_text="Bạn đã bị đăng xuất do không hoạt động")).to_be_visible()
