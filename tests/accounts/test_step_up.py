"""Issue 16: step-up. Approving, publishing, revoking, reopening a score sheet, changing roles and resetting a
second factor ask for a code again when the session last passed the second factor more than STEP_UP_MINUTES ago;
the refused form comes back with every field kept, and sent again with a code it goes through."""

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from award_app.accounts.models import Role, User, UserSession
from award_app.approval.models import Decision
from award_app.audit.models import AuditEvent
from award_app.certificates.services import issue_for_round
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.nominations.models import NominationState
from award_app.rounds.models import RoundState
from award_app.scoring.models import ScoreSheet, SheetState
from tests.helpers import CSRF_PATTERN, fresh_code, login, submit
from tests.nominations.factories import approve, council_round, score, scoring_round, staff

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@dataclass
class Act:
    user: User
    url: str
    data: dict
    form_url: str
    done: object  # () -> bool


def _approve_act(app) -> Act:
    round_, _dossiers, _secretariat, _council, _run = council_round()
    return Act(staff("approver"), f"/approval/round/{round_.id}",
               {"number": "88/QĐ-BNNMT", "signed_on": "2026-12-20", "signer_name": "Lê Minh Đức",
                "signer_title": "Thứ trưởng"}, f"/approval/round/{round_.id}",
               lambda: db.session.scalar(select(Decision).where(Decision.round_id == round_.id)) is not None)


def _approved(app):
    round_, dossiers, secretariat, _council, run = council_round()
    approver = staff("approver")
    approve(round_, run, approver)
    return round_, dossiers, secretariat, approver


def _publish_act(app) -> Act:
    round_, _dossiers, _secretariat, approver = _approved(app)
    return Act(approver, f"/approval/round/{round_.id}/publish", {"confirmed": "1"}, f"/approval/round/{round_.id}",
               lambda: db.session.get(type(round_), round_.id).state == RoundState.PUBLISHED)


def _revoke_act(app) -> Act:
    round_, dossiers, secretariat, approver = _approved(app)
    certificate = next(c for c in issue_for_round(round_, actor=secretariat) if c.entry.nomination_id == dossiers[0].id)
    db.session.commit()
    return Act(approver, f"/approval/round/{round_.id}/revoke",
               {"entry_id": str(certificate.entry_id), "reason": "Hồ sơ khai không trung thực.",
                "decision_reference": "Quyết định 45/QĐ-BNNMT"}, f"/approval/round/{round_.id}",
               lambda: db.session.get(type(dossiers[0]), dossiers[0].id).state == NominationState.REVOKED)


def _reopen_act(app) -> Act:
    round_, dossiers, secretariat, council = scoring_round(1)
    sheet = score(dossiers[0], council[0], (20, 20, 20, 20))
    return Act(secretariat, f"/scoring/sheets/{sheet.id}/reopen", {"reason": "Chấm nhầm tiêu chí 2."},
               f"/scoring/round/{round_.id}/sheets",
               lambda: db.session.get(ScoreSheet, sheet.id).state != SheetState.SUBMITTED)


def _roles_act(app) -> Act:
    target = staff("auditor")
    return Act(staff("admin"), f"/accounts/admin/{target.id}", {"roles": ["auditor", "secretariat"], "active": "y"},
               f"/accounts/admin/{target.id}",
               lambda: Role.SECRETARIAT in db.session.get(User, target.id).roles)


def _new_account_act(app) -> Act:
    return Act(staff("admin"), "/accounts/admin/new",
               {"full_name": "Trần Văn Mới", "email": "moi@bo.gov.vn", "organisation": "", "roles": ["approver"],
                "password": "mây-trắng-bay-qua-đồi-xanh"}, "/accounts/admin/new",
               lambda: db.session.scalar(select(User).where(User.email == "moi@bo.gov.vn")) is not None)


def _reset_act(app) -> Act:
    target = staff("auditor")
    target_client = app.test_client()
    login(target_client, target)
    return Act(staff("admin"), f"/accounts/second-factor/admin/{target.id}/reset", {"confirmed": "1"},
               f"/accounts/admin/{target.id}", lambda: db.session.get(User, target.id).totp_secret is None)


ACTS = {"approve": _approve_act, "publish": _publish_act, "revoke": _revoke_act, "reopen": _reopen_act,
        "roles": _roles_act, "new account": _new_account_act, "reset": _reset_act}


def _last_code_long_ago(user: User, minutes: int) -> None:
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(
        second_factor_at=utcnow() - timedelta(minutes=minutes, seconds=5)))
    db.session.commit()


def _as_sent_again(page: str) -> list[tuple[str, str]]:
    """The hidden fields of the step-up form (the page's other forms, such as the language switch, aside)."""
    form = page[page.index('<form method="post" action="', page.index("<main")):]
    form = form[:form.index("</form>")]
    return [(name, html.unescape(value)) for name, value in HIDDEN.findall(form) if name != "csrf_token"]


def _send(client, url: str, fields: list[tuple[str, str]], **headers):
    return client.post(url, data=MultiDict(fields), headers=headers)


@pytest.mark.parametrize("name", list(ACTS))
def test_an_irreversible_act_asks_for_a_recent_code_and_keeps_the_form(app, name):
    act = ACTS[name](app)
    client = app.test_client()
    login(client, act.user)
    _last_code_long_ago(act.user, app.config["STEP_UP_MINUTES"])
    asked = submit(client, act.url, act.data, form_url=act.form_url, headers={"Accept-Language": "en"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 401 and 'name="step_up_code"' in page and "Confirm it is you" in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert not act.done()
    kept = _as_sent_again(page)
    for key, value in act.data.items():
        for one in value if isinstance(value, list) else [value]:
            assert (key, one) in kept, (key, one)
    token = CSRF_PATTERN.search(page).group(1)
    db.session.execute(update(User).where(User.id == act.user.id).values(totp_last_step=None))
    db.session.commit()  # a refusal then comes from the code, not from the reuse of the sign-in's code
    wrong = _send(client, act.url, [*kept, ("csrf_token", token), ("step_up_code", "000000")],
                  **{"Accept-Language": "en"})
    assert wrong.status_code == 401 and "This code is not right" in wrong.get_data(as_text=True)
    assert not act.done()
    response = _send(client, act.url, [*kept, ("csrf_token", token), ("step_up_code", fresh_code(act.user.email))])
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    db.session.expire_all()
    assert act.done()
    assert "auth.step_up" in db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == act.user.id))


def test_within_the_window_no_code_is_asked(app):
    act = _roles_act(app)
    client = app.test_client()
    login(client, act.user)
    _last_code_long_ago(act.user, app.config["STEP_UP_MINUTES"] - 1)
    assert submit(client, act.url, act.data, form_url=act.form_url).status_code == 302
    db.session.expire_all()
    assert act.done()


def test_a_recovery_code_also_confirms(app):
    from tests.accounts.test_second_factor import RECOVERY_CODE
    from tests.helpers import enrol_by_page, login_with_password_only

    act = _roles_act(app)
    client = app.test_client()
    login_with_password_only(client, act.user)
    codes = RECOVERY_CODE.findall(enrol_by_page(client))
    _last_code_long_ago(act.user, app.config["STEP_UP_MINUTES"])
    page = submit(client, act.url, act.data, form_url=act.form_url).get_data(as_text=True)
    response = _send(client, act.url, [*_as_sent_again(page), ("csrf_token", CSRF_PATTERN.search(page).group(1)),
                                       ("step_up_recovery_code", codes[0])])
    assert response.status_code == 302
    db.session.expire_all()
    assert act.done()


def test_moving_to_a_new_phone_asks_for_the_current_code_first(app):
    user = staff("secretariat")
    client = app.test_client()
    login(client, user)
    _last_code_long_ago(user, app.config["STEP_UP_MINUTES"])
    response = client.get("/accounts/second-factor/enrol")
    assert response.status_code == 302 and response.location.startswith("/accounts/second-factor/confirm")
    page = client.get(response.location).get_data(as_text=True)
    back = submit(client, response.location, {"step_up_code": fresh_code(user.email)}, form_url=response.location)
    assert 'name="step_up_code"' in page
    assert back.status_code == 302 and back.location == "/accounts/second-factor/enrol"
    assert client.get("/accounts/second-factor/enrol").status_code == 200
