"""Users in their own browser contexts, a screenshot of every page, and the checks run on each page."""

import re
import shutil
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import ARTIFACTS, LOCALES, SIZES
from tests.helpers import PASSWORD, PHONE, fresh_code
from tests.sample_files import PDF

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}

# Every visible form control with no label of its own (a <label>, aria-label or aria-labelledby).
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
  .filter(el => el.offsetParent !== null || el.getClientRects().length)
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


AWAY_FROM_SIGN_IN = re.compile(r"^(?!.*/accounts/login).*$")
AWAY_FROM_SECOND_STEP = re.compile(r"^(?!.*/accounts/(login|second-factor)).*$")


def pass_second_step(page, email: str, *, shoot=None) -> None:
    """After the password, what a person does: set up the authenticator app (the key typed from the page into
    PHONE, as into a phone) and go on past the recovery codes, or type the app's code; nothing for an account
    without a second step. `shoot(page, name)` takes a screenshot of each page on the way."""
    page.wait_for_url(AWAY_FROM_SIGN_IN)
    page.wait_for_load_state()
    if "/accounts/second-factor/enrol" in page.url:
        shoot and shoot(page, "second-step-enrol")
        PHONE.add(email, page.locator("#totp-secret").inner_text().replace(" ", ""))
        page.fill("input[name=code]", PHONE.code(email))
        page.click("main form button.primary")
        page.locator("ol.recovery-codes").wait_for()
        shoot and shoot(page, "second-step-recovery-codes")
        page.click("main a.button.primary")
    elif "/accounts/second-factor" in page.url:
        shoot and shoot(page, "second-step-code")
        page.fill("input[name=code]", PHONE.code(email) if email in PHONE else fresh_code(email))
        page.click("main form button.primary")
    else:
        return
    page.wait_for_url(AWAY_FROM_SECOND_STEP)


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@dataclass
class Scenario:
    """One language on one viewport: screenshots go to artifacts/<lang>-<viewport>/NN-name.png."""

    browser: object
    base_url: str
    lang: str
    viewport: str
    shots: int = 0
    problems: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    name: str = ""

    def __post_init__(self):
        self.folder = ARTIFACTS / (self.name or f"{self.lang}-{self.viewport}")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def new_page(self):
        """A fresh browser (its own cookies) in the scenario's language and window size."""
        context = self.browser.new_context(base_url=self.base_url, viewport=SIZES[self.viewport],
                                           locale=LOCALES[self.lang], bypass_csp=True,
                                           is_mobile=self.viewport == "phone", has_touch=self.viewport != "desktop")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("response", lambda response: response.status >= 500 and self.problems.append(
            f"{response.status} from {response.url}"))
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error on {page.url}: {error}"))
        return page

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.new_page()
        page.goto("/accounts/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("main button.primary")
        page.wait_for_load_state()
        assert "/accounts/login" not in page.url, f"{email} could not sign in"
        pass_second_step(page, email)
        return page

    def shot(self, page, name: str, *, axe: bool = False) -> None:
        """Screenshot the whole page; check its controls have labels, and run axe-core when asked."""
        self.shots += 1
        page.screenshot(path=self.folder / f"{self.shots:02d}-{name}.png", full_page=True)
        for control in page.evaluate(UNLABELLED_CONTROLS):
            self.problems.append(f"{name}: control without a label: {control}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            self.problems.append(f"{name}: the page scrolls sideways by {overflow}px")
        if axe:
            self.check_accessibility(page, name)

    def check_accessibility(self, page, name: str) -> None:
        violations = AXE.run(page).response["violations"]
        for violation in violations:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                self.problems.append(f"{name}: axe {violation['impact']} {violation['id']}: {violation['help']} "
                                     f"({targets})")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
