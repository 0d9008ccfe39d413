"""Issue 16 in the browser, on a phone, in Vietnamese and English: a new staff member signs in, sets up the
authenticator app from the QR page (the key typed from the page; the code computed with pyotp as the phone
would), keeps the recovery codes, signs out, and signs in again with the app's code after a wrong one."""

import re
import time

import pyotp
import pytest

from tests.browser.scenario import AWAY_FROM_SECOND_STEP, Scenario
from tests.helpers import PASSWORD
from tests.nominations import factories as make

WORDS = {
    "vi": {"enrol": "Thiết lập bước đăng nhập thứ hai", "code": "Bước đăng nhập thứ hai",
           "wrong": "Mã không đúng hoặc đã được dùng", "codes": "Các mã khôi phục của bạn"},
    "en": {"enrol": "Set up the second sign-in step", "code": "Second sign-in step",
           "wrong": "This code is not right, or it was already used", "codes": "Your recovery codes"},
}


def _password(page, email: str) -> None:
    page.goto("/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))


def _code_box(page) -> None:
    box = page.locator("input[name=code]")
    assert box.get_attribute("inputmode") == "numeric" and box.get_attribute("autocomplete") == "one-time-code"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_setting_up_and_signing_in_with_the_app_on_a_phone(chromium, live_server, live_app, lang):
    user = make.staff("secretariat", full_name="Trần Thị Thu")
    words = WORDS[lang]
    run = Scenario(chromium, live_server.url, lang, "phone", name=f"second-factor-{lang}-phone")
    try:
        page = run.new_page()
        _password(page, user.email)
        assert "/accounts/second-factor/enrol" in page.url  # nothing else before the app is set up
        assert words["enrol"] in page.locator("h1").inner_text()
        assert page.locator("nav.main").count() == 0
        _code_box(page)
        assert page.locator("figure.qr img").get_attribute("src").startswith("data:image/svg+xml")
        run.shot(page, "enrol", axe=True)
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        phone = pyotp.TOTP(secret)
        page.goto("/rounds/")  # another page: still the enrolment
        page.wait_for_url(re.compile(r"/accounts/second-factor/enrol"))
        enrolled_at = int(time.time() // 30)
        page.fill("input[name=code]", phone.at(enrolled_at * 30))
        page.click("main form button.primary")
        page.locator("ol.recovery-codes").wait_for()
        assert words["codes"] in page.locator("h1").inner_text()
        assert page.locator("ol.recovery-codes li").count() == 10
        run.shot(page, "recovery-codes", axe=True)
        page.click("main a.button.primary")
        page.wait_for_url(AWAY_FROM_SECOND_STEP)
        run.shot(page, "home-after-enrolment")
        page.click("header form[action='/accounts/logout'] button")
        page.wait_for_url(re.compile(r"/accounts/login"))

        _password(page, user.email)
        assert words["code"] in page.locator("h1").inner_text()
        _code_box(page)
        run.shot(page, "code", axe=True)
        page.fill("input[name=code]", phone.at(enrolled_at * 30))  # the code used to set it up: refused
        page.click("main form button.primary")
        page.wait_for_load_state()
        assert words["wrong"] in page.locator("main").inner_text()
        run.shot(page, "code-refused", axe=True)
        step = max(int(time.time() // 30), enrolled_at + 1)  # a code not used yet, at most one step ahead
        page.fill("input[name=code]", phone.at(step * 30))
        page.click("main form button.primary")
        page.wait_for_url(AWAY_FROM_SECOND_STEP)
        assert user.full_name in page.locator("header").inner_text()
        run.shot(page, "signed-in")
        assert run.problems == []
    finally:
        run.close()
