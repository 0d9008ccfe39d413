"""The main flows work with the keyboard alone: signing in and sending a form, with no mouse."""

import re

from tests.browser.scenario import Scenario
from tests.helpers import PASSWORD
from tests.nominations import factories as make


def tab_to(page, selector: str, presses: int = 30) -> None:
    """Press Tab until the element is focused, as a keyboard user moves through the page."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_sign_in_start_and_save_a_dossier_with_the_keyboard_only(chromium, live_server, live_app):
    round_ = make.open_round()
    user = make.applicant("school", email="truong.bachdang@truong.edu.vn")
    run = Scenario(chromium, live_server.url, "vi", "desktop", name="keyboard")
    try:
        page = run.new_page()
        page.goto("/accounts/login")
        tab_to(page, "a.skip")  # the first stop: a link straight to the content
        tab_to(page, "input[name=email]")
        page.keyboard.type(user.email)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/$"))
        assert user.full_name in page.locator("header").inner_text()

        tab_to(page, f"form[action='/nominations/start/{round_.id}'] button")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/nominations/\d+/edit"))
        tab_to(page, "input[name=school_name]")
        page.keyboard.type("Trường THCS Bạch Đằng")
        page.keyboard.press("Enter")  # Enter in a text box saves the draft
        page.wait_for_load_state()
        assert page.locator("input[name=school_name]").input_value() == "Trường THCS Bạch Đằng"
        assert page.locator("h1").inner_text() == "Trường THCS Bạch Đằng"
        run.shot(page, "keyboard-draft-saved")
        assert not run.problems, "\n".join(run.problems)
    finally:
        run.close()
