"""S4: every POST route refuses a request without a valid CSRF token (400), and nothing changes; no GET
route writes anything."""

import re

from sqlalchemy import func, select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from tests.helpers import login


def _sample_value(match) -> str:
    """A value for a URL argument: ids are 1, codes and tokens some text."""
    return "x1" if match.group(1) in ("token", "code", "programme_code") else "1"


def _post_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        urls.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", _sample_value, rule.rule))
    return urls


def test_every_post_route_needs_a_csrf_token(app, make_user):
    user = make_user("secretariat", "approver", "auditor", "admin")
    client = app.test_client()
    login(client, user)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    urls = _post_urls(app)
    assert len(urls) > 40
    for url in urls:
        response = client.post(url, data={"reason": "x", "to_state": "open", "action": "save"})
        assert response.status_code == 400, url
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_wrong_token_is_refused_too(app, make_user):
    user = make_user("secretariat")
    client = app.test_client()
    login(client, user)
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "csrf_token": "forged"})
    assert response.status_code == 400
