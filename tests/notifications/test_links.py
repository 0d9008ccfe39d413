"""Every link that leaves a request (e-mails, certificates' QR codes) is on PUBLIC_URL, whatever Host or
X-Forwarded-Host the client sends."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from award_app.certificates import render
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from award_app.notifications.services import link
from tests.conftest import seeded_app
from tests.helpers import PASSWORD, pass_second_factor
from tests.nominations.factories import approve, council_round, open_round, staff

PUBLIC = "https://giaithuong.example.vn"
FORGED = ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"},
          {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"})


@pytest.fixture
def proxied_app(request, tmp_path):
    """The README's deployment: behind one proxy (nginx) whose X-Forwarded-* headers count."""
    with seeded_app(request, tmp_path, TRUSTED_PROXIES=1, PUBLIC_URL=PUBLIC) as app:
        yield app


def _links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


class _Client:
    """A test client's get and post over `_forged_post`'s own cookie handling."""

    def __init__(self, send):
        self.send = send

    def get(self, url: str):
        return self.send(url)

    def post(self, url: str, data: dict):
        return self.send(url, data)


def _forged_post(app, path: str, headers: dict, *, email: str | None = None, data: dict | None = None):
    """What a client that writes its own headers sends: its own session cookie and token, and the headers."""
    client = app.test_client(use_cookies=False)
    cookies = {}

    def get(url: str, form: dict | None = None):
        answer = client.open(url, method="POST" if form is not None else "GET", data=form,
                             headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        for header in answer.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        return answer

    if email is not None:
        page = get("/accounts/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert get("/accounts/login", {"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
        pass_second_factor(_Client(get), email)
    page = get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return client.post(path if data is None else data.pop("_action"), data={"csrf_token": token, **(data or {})},
                       headers={"Cookie": cookie, **headers})


@pytest.mark.parametrize("headers", FORGED)
def test_a_reset_link_is_on_the_public_address_whatever_host_the_request_names(proxied_app, headers):
    user = staff("secretariat")
    db.session.commit()
    response = _forged_post(proxied_app, "/accounts/reset", headers, data={"email": user.email,
                                                                           "_action": "/accounts/reset"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).one()
    (reset,) = [url for url in _links_in(mail.body) if "/accounts/reset/" in url]
    assert reset.startswith(f"{PUBLIC}/accounts/reset/")
    assert "evil.example" not in mail.body


def test_a_certificate_qr_code_opens_the_public_address_whatever_host_issued_it(proxied_app, monkeypatch):
    drawn = []
    qr_svg = render.qr_svg

    def spy(url: str) -> str:
        drawn.append(url)
        return qr_svg(url)

    monkeypatch.setattr(render, "qr_svg", spy)
    round_, _dossiers, secretariat, _council, run = council_round()
    approve(round_, run, staff("approver"))
    db.session.commit()
    response = _forged_post(proxied_app, f"/certificates/round/{round_.id}",
                            {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}, email=secretariat.email,
                            data={"_action": f"/certificates/round/{round_.id}/issue"})
    assert response.status_code == 302
    assert drawn and all(re.fullmatch(rf"{PUBLIC}/verify/[\w-]+", url) for url in drawn), drawn


def test_links_made_outside_a_request_are_on_the_public_address(app):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5001"
    assert link("certificates.verify", code="7K3M-Q9TD") == "http://127.0.0.1:5001/verify/7K3M-Q9TD"
    app.config["PUBLIC_URL"] = "https://example.gov.vn/giai-thuong"
    assert link("accounts.reset", token="abc") == "https://example.gov.vn/giai-thuong/accounts/reset/abc"


@pytest.mark.parametrize(("referrer", "host", "back"), [
    ("http://localhost/rounds/?page=2", "localhost", "/rounds/?page=2"),
    ("https://evil.example/phish", "localhost", "/"),
    ("http://localhost.evil.example/x", "localhost", "/"),
    ("http://localhost//evil.example/x", "localhost", "/"),
    ("http://evil.example/x", "evil.example", "/x"),  # a forged Host gets a path on this site, never a host
])
def test_going_back_after_a_refusal_never_leaves_the_site(app, referrer, host, back):
    secretariat = staff("secretariat")
    round_ = open_round()
    db.session.commit()
    response = _forged_post(app, "/rounds/", {"Referer": referrer, "Host": host}, email=secretariat.email,
                            data={"_action": f"/rounds/{round_.id}/advance", "to_state": "approved"})
    assert response.status_code == 302 and response.headers["Location"] == back


def test_no_code_builds_a_link_from_the_request():
    """The class of hole, closed for the future: absolute URLs come from notifications.link (PUBLIC_URL) only.
    The request's own origin is read in one place, award_app/security.py, to recognise same-origin requests."""
    root = Path(__file__).resolve().parents[2]
    patterns = re.compile(r"(?<!force)_external|host_url|url_root|request\.host\b|X-Forwarded-Host", re.IGNORECASE)
    allowed = {root / "award_app" / "security.py"}
    files = [*(root / "award_app").rglob("*.py"), *(root / "templates").rglob("*.*")]
    found = [f"{path.relative_to(root)}:{number}" for path in files if path not in allowed
             for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
             if patterns.search(line) and not line.strip().startswith("#")]
    assert not found, found
