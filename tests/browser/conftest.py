"""A live server and Debian's Chromium driven by Playwright.

The app runs in a thread on a free 127.0.0.1 port with its own SQLite file (seed + the test's data);
each test gets a fresh one. Without a launchable Chromium every browser test is skipped, saying why.
"""

import logging
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import seeded_app

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SIZES = {**VIEWPORTS, "tablet": {"width": 768, "height": 1024}}  # the tablet only where a test asks for it
LOCALES = {"vi": "vi-VN", "en": "en-GB"}


@pytest.fixture(scope="package")
def chromium():
    """Debian's chromium (never a downloaded build), launched once for this package's tests.

    Not for the whole session: Playwright's sync API keeps an asyncio loop running in the main thread
    while it is open, and later tests that call asyncio.run (certificate signing) must not see it."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Browser tests skipped: the Python package playwright is not installed (pip install -e '.[dev]').")
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("Browser tests skipped: Chromium is not installed (as root: apt-get install chromium, "
                    "which `make setup` does).")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.skip(f"Browser tests skipped: Chromium at {executable} could not be launched: "
                        f"{str(error).splitlines()[0]}")
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request in the test output
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def live_app(request, tmp_path):
    """The app on its own SQLite file, seeded; the test adds its data inside this app context."""
    with seeded_app(request, tmp_path) as app:
        yield app


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app)
    live_app.config["PUBLIC_URL"] = server.url
    server.start()
    yield server
    server.stop()
