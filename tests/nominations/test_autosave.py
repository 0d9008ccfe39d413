"""A dossier's draft saved in the background as the applicant types: the same form, version check and service
as "Save draft", an answer in JSON, an audit event, and never a submission."""

from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.nominations.models import NominationState
from tests.helpers import csrf_token
from tests.nominations.factories import ECO_SCHOOL, ECO_SCHOOL_FORM, applicant, draft, open_round, submitted
from tests.nominations.test_views import fresh, signed_in_client, upload_required, version_on


def autosave(client, nomination_id: int, fields: dict, *, token: str | None, version: str | None):
    headers = {"Accept": "application/json"} | ({"X-CSRFToken": token} if token else {})
    form = fields | ({"version": version} if version is not None else {})
    return client.post(f"/nominations/{nomination_id}/autosave", data=form, headers=headers)


def opened(client, nomination_id: int) -> tuple[str, str]:
    """What the edit page gives its script: the form's version and the CSRF token."""
    return version_on(client, nomination_id), csrf_token(client, f"/nominations/{nomination_id}/edit")


def test_the_draft_is_saved_and_logged_but_a_complete_dossier_is_never_submitted(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    upload_required(nomination, school)
    client = signed_in_client(app, school)
    version, token = opened(client, nomination.id)
    response = autosave(client, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "900", "action": "submit"},
                        token=token, version=version)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] and answer["errors"] == {} and answer["message"].startswith("Saved at ")
    nomination = fresh(nomination)
    assert nomination.details["pupils"] == 900
    assert nomination.state == NominationState.DRAFT and nomination.reference is None
    assert answer["version"] == nomination.version and str(answer["version"]) != version
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.saved")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.user_id == school.id and event.details["changes"]["pupils"] == [812, 900]


def test_a_stale_version_is_refused_and_the_newer_value_stays(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    first, second = signed_in_client(app, school), signed_in_client(app, school)
    first_version, first_token = opened(first, nomination.id)
    second_version, second_token = opened(second, nomination.id)
    assert autosave(first, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "900"}, token=first_token,
                    version=first_version).status_code == 200
    response = autosave(second, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "700", "address": "Cơ sở 2"},
                        token=second_token, version=second_version)
    assert response.status_code == 409 and response.get_json()["stale"]
    details = fresh(nomination).details
    assert details["pupils"] == 900 and details["address"] == ECO_SCHOOL["address"]


def test_an_autosave_without_a_version_is_refused(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    client = signed_in_client(app, school)
    _, token = opened(client, nomination.id)
    response = autosave(client, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "5"}, token=token, version=None)
    assert response.status_code == 409
    assert fresh(nomination).details["pupils"] == 812


def test_mistakes_typed_are_reported_by_field_and_what_is_typed_is_kept(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    client = signed_in_client(app, school)
    version, token = opened(client, nomination.id)
    response = autosave(client, nomination.id, {"school_name": "Trường THCS Kim Đồng", "pupils": "nhiều",
                                                 "teachers": "99999", "address": ""}, token=token, version=version)
    answer = response.get_json()
    assert response.status_code == 200 and answer["ok"]
    assert answer["errors"] == {"pupils": ["Enter a whole number."], "teachers": ["Enter a number from 1 to 2,000."]}
    nomination = fresh(nomination)
    assert nomination.display_name == "Trường THCS Kim Đồng"
    assert nomination.form_input["pupils"] == ["nhiều"]  # shown again as typed on the next visit
    assert "pupils" not in nomination.details


def test_the_messages_follow_the_users_language(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    client = signed_in_client(app, school)
    client.set_cookie("lang", "vi")
    version, token = opened(client, nomination.id)
    answer = autosave(client, nomination.id, {"pupils": "nhiều"}, token=token, version=version).get_json()
    assert answer["message"].startswith("Đã lưu lúc ")
    assert answer["errors"]["pupils"] == ["Nhập một số nguyên."]


def test_the_csrf_token_is_required(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    client = signed_in_client(app, school)
    version, _ = opened(client, nomination.id)
    response = autosave(client, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "5"}, token=None, version=version)
    assert response.status_code == 400 and not response.get_json()["ok"]
    assert fresh(nomination).details["pupils"] == 812


def test_another_applicant_and_a_submitted_dossier_get_404(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    stranger = signed_in_client(app, applicant("school"))
    response = autosave(stranger, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "5"},
                        token=csrf_token(stranger, "/"), version=str(nomination.version))
    assert response.status_code == 404
    assert fresh(nomination).details["pupils"] == 812
    done = submitted(round_, school, {**ECO_SCHOOL, "level": "thpt"})  # a second level: a dossier of its own
    owner = signed_in_client(app, school)
    response = autosave(owner, done.id, {**ECO_SCHOOL_FORM, "pupils": "5"}, token=csrf_token(owner, "/"),
                        version=str(done.version))
    assert response.status_code == 404
    assert fresh(done).details["pupils"] == 812


def test_the_edit_page_carries_the_autosave_address_and_the_script(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    page = signed_in_client(app, school).get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert f'data-autosave-url="/nominations/{nomination.id}/autosave"' in page
    assert "js/autosave.js" in page and "data-autosave-status" in page
