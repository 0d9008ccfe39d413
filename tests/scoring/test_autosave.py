"""A score sheet's draft saved in the background as the juror types: the same checks as "Save draft" (version,
range, permission, CSRF), an answer in JSON, an audit event, and never a submission."""

import re

from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.scoring.models import ScoreSheet, SheetState
from tests.helpers import csrf_token
from tests.nominations.factories import VERSION_PATTERN, juror, score, scoring_round
from tests.scoring.test_services import juror_client, sheet_form, stored

TOKEN_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def open_sheet(client, entry_id: int) -> tuple[str, str]:
    """The sheet's page and the CSRF token the page's script sends in a header."""
    page = client.get(f"/scoring/entries/{entry_id}").get_data(as_text=True)
    return page, TOKEN_PATTERN.search(page).group(1)


def autosave(client, entry_id: int, form: dict, token: str | None):
    headers = {"Accept": "application/json"} | ({"X-CSRFToken": token} if token else {})
    return client.post(f"/scoring/entries/{entry_id}/autosave", data=form, headers=headers)


def the_sheet() -> ScoreSheet:
    db.session.expire_all()
    return db.session.scalar(select(ScoreSheet))


def test_the_draft_is_saved_with_a_new_version_and_an_audit_event_but_never_submitted(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    complete = sheet_form(page, ("20", "21", "22", "23"), ("Nhận xét đầy đủ về tiêu chí",) * 4, "submit")
    response = autosave(client, entry_id, complete, token)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] and answer["errors"] == {}
    assert re.fullmatch(r"Saved at \d\d:\d\d", answer["message"])
    sheet = the_sheet()
    assert answer["version"] == sheet.version
    assert stored(sheet) == (SheetState.DRAFT, 86, [(p, "Nhận xét đầy đủ về tiêu chí") for p in (20, 21, 22, 23)])
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("score_sheet.%"))).all()
    assert [e.action for e in events] == ["score_sheet.saved"] and events[0].user_id == member.id


def test_the_next_autosave_and_the_save_button_use_the_version_the_autosave_gave_back(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    first = autosave(client, entry_id, sheet_form(page, ("1", "", "", ""), ("",) * 4, "save"), token).get_json()
    second = autosave(client, entry_id, sheet_form(page, ("1", "2", "", ""), ("",) * 4, "save",
                                                   version=str(first["version"])), token).get_json()
    assert second["ok"] and second["version"] != first["version"]
    button = client.post(f"/scoring/entries/{entry_id}", data=sheet_form(
        page, ("1", "2", "3", ""), ("",) * 4, "save", version=str(second["version"])) | {"csrf_token": token})
    assert button.status_code == 302
    assert [p for p, _ in stored(the_sheet())[2]] == [1, 2, 3, None]


def test_a_stale_version_is_refused_and_nothing_is_overwritten(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    first, second = juror_client(app, member), juror_client(app, member)
    first_page, first_token = open_sheet(first, entry_id)
    assert autosave(first, entry_id, sheet_form(first_page, ("10", "10", "10", "10"), ("a",) * 4, "save"),
                    first_token).get_json()["ok"]
    second_page, second_token = open_sheet(second, entry_id)  # this tab sees version 1 of the saved sheet
    saved = autosave(first, entry_id, sheet_form(first_page, ("10", "10", "10", "10"), ("a", "b", "a", "a"), "save",
                                                 version=VERSION_PATTERN.search(second_page).group(1)), first_token)
    assert saved.get_json()["ok"]  # only a comment changed in the first tab: the version moves all the same
    response = autosave(second, entry_id, sheet_form(second_page, ("5", "5", "5", "5"), ("Tab hai",) * 4, "save"),
                        second_token)
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["stale"] and not answer["ok"]
    assert "changed elsewhere" in answer["message"]
    assert stored(the_sheet()) == (SheetState.DRAFT, 40, [(10, "a"), (10, "b"), (10, "a"), (10, "a")])


def test_a_sheet_not_saved_yet_is_stale_when_another_tab_saved_it_first(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    first, second = juror_client(app, member), juror_client(app, member)
    first_page, first_token = open_sheet(first, entry_id)
    second_page, second_token = open_sheet(second, entry_id)
    assert autosave(first, entry_id, sheet_form(first_page, ("7", "", "", ""), ("",) * 4, "save"),
                    first_token).status_code == 200
    assert autosave(second, entry_id, sheet_form(second_page, ("9", "", "", ""), ("",) * 4, "save"),
                    second_token).status_code == 409
    assert stored(the_sheet())[2][0] == (7, "")


def test_an_autosave_without_the_version_is_refused_once_the_sheet_exists(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    score(nomination, member, (1, 2, 3, 4), submit=False)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    form = {k: v for k, v in sheet_form(page, ("9", "9", "9", "9"), ("",) * 4, "save").items() if k != "version"}
    assert autosave(client, entry_id, form, token).status_code == 409
    assert [p for p, _ in stored(the_sheet())[2]] == [1, 2, 3, 4]


def test_a_mistyped_number_is_reported_by_field_and_the_rest_is_saved(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    response = autosave(client, entry_id, sheet_form(page, ("12", "1a", "", "3"), ("Tốt", "", "", ""), "save"), token)
    answer = response.get_json()
    assert response.status_code == 200 and answer["ok"]
    assert answer["errors"] == {"scores-1-points": ["Enter a whole number."]}  # the empty one is no mistake yet
    assert stored(the_sheet())[2] == [(12, "Tốt"), (None, ""), (None, ""), (3, "")]


def test_a_score_above_the_maximum_saves_nothing_and_says_why(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    score(nomination, member, (1, 2, 3, 4), submit=False)
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    response = autosave(client, entry_id, sheet_form(page, ("5", "99", "5", "5"), ("",) * 4, "save"), token)
    assert response.status_code == 422
    assert response.get_json()["message"] == "Not saved: A score must be between 0 and 25."
    assert [p for p, _ in stored(the_sheet())[2]] == [1, 2, 3, 4]


def test_a_submitted_sheet_is_not_changed_by_an_autosave(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, token = open_sheet(client, entry_id)
    score(nomination, member, (20, 20, 20, 20))
    sheet = the_sheet()
    response = autosave(client, entry_id, sheet_form(page, ("1", "1", "1", "1"), ("",) * 4, "save",
                                                     version=str(sheet.version)), token)
    assert response.status_code == 422 and "locked" in response.get_json()["message"]
    assert stored(the_sheet())[:2] == (SheetState.SUBMITTED, 80)


def test_the_csrf_token_is_required(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, _token = open_sheet(client, entry_id)
    response = autosave(client, entry_id, sheet_form(page, ("5", "5", "5", "5"), ("",) * 4, "save"), None)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("Not saved: the page's security token")
    assert the_sheet() is None
    forged = autosave(client, entry_id, sheet_form(page, ("5", "5", "5", "5"), ("",) * 4, "save"), "forged")
    assert forged.status_code == 400 and the_sheet() is None


def test_a_juror_not_assigned_to_the_dossier_gets_404(app):
    round_, (nomination,), secretariat, _council = scoring_round(1)
    other = juror(round_, secretariat, full_name="Giám khảo khác")
    entry_id = nomination.entries[0].id
    client = juror_client(app, other)
    response = autosave(client, entry_id, {"version": "0", "scores-0-criterion_id": "1", "scores-0-points": "5"},
                        csrf_token(client, "/"))
    assert response.status_code == 404
    assert the_sheet() is None


def test_the_sheet_page_carries_the_autosave_address_only_while_it_can_change(app):
    _, (nomination,), secretariat, (member,) = scoring_round(1)
    entry_id = nomination.entries[0].id
    client = juror_client(app, member)
    page, _ = open_sheet(client, entry_id)
    assert f'data-autosave-url="/scoring/entries/{entry_id}/autosave"' in page and "js/autosave.js" in page
    score(nomination, member, (20, 20, 20, 20))
    assert "data-autosave-url" not in open_sheet(client, entry_id)[0]
