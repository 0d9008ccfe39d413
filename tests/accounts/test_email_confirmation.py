"""E-mail ownership (issue 16): a new account confirms its address by an e-mailed single-use link on PUBLIC_URL
before it submits a dossier; it may sign in and prepare drafts meanwhile. A password set through an e-mailed
reset link confirms the address too (staff accounts, invited jurors, paper applicants)."""

import re

from flask import current_app
from sqlalchemy import select

from award_app.accounts import services as accounts
from award_app.accounts.models import User
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.nominations.models import Nomination, NominationState
from award_app.notifications.models import OutboxMessage
from tests.fixtures_dossiers import complete_school_dossier, open_round, school_details
from tests.helpers import PASSWORD, csrf_token, login, submit

EMAIL = "hieutruong@thcs-kimdong.edu.vn"
CONFIRM_LINK = re.compile(r"(\S+)(/accounts/confirm/\S+)")


def _register(client) -> User:
    response = submit(client, "/accounts/register", {
        "full_name": "Đỗ Thị Thanh Hương", "email": EMAIL, "applicant_kind": "school",
        "organisation": "Trường THCS Kim Đồng", "province_id": "ha-noi-34", "phone": "", "password": PASSWORD,
        "confirm": PASSWORD, "consent": "y"})
    assert response.status_code == 302
    return accounts.find_user_by_email(EMAIL)


def _link(kind: str) -> str:
    """The path of the confirmation link in the last e-mail of this kind (checked to be on PUBLIC_URL)."""
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id.desc())).first()
    base, path = CONFIRM_LINK.search(mail.body).groups()
    assert base == current_app.config["PUBLIC_URL"]
    return path


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _submit_from_the_page(client, nomination: Nomination):
    fields = {k: str(v) for k, v in school_details(nomination.round).items()}
    url = f"/nominations/{nomination.id}/edit"
    version = db.session.get(Nomination, nomination.id).version
    return submit(client, url, {**fields, "version": str(version), "action": "submit"})


def test_a_new_account_submits_only_once_its_address_is_confirmed(app, client):
    round_ = open_round()
    user = _register(client)
    assert not user.email_confirmed
    link = _link("account_registered")
    login(client, user)
    assert "Hãy xác nhận địa chỉ thư điện tử" in client.get("/").get_data(as_text=True)
    nomination = complete_school_dossier(round_, user)  # drafting is allowed

    refused = _submit_from_the_page(client, nomination)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert f"Địa chỉ thư điện tử {EMAIL} của bạn chưa được xác nhận" in page and 'href="/accounts/email"' in page
    assert db.session.get(Nomination, nomination.id).state == NominationState.DRAFT

    opened = client.get(link)  # opening the link (or a mail scanner following it) confirms nothing…
    assert opened.status_code == 200 and "Xác nhận địa chỉ của tôi" in opened.get_data(as_text=True)
    assert not db.session.get(User, user.id).email_confirmed
    assert submit(client, link).status_code == 302  # …pressing the button does
    assert db.session.get(User, user.id).email_confirmed
    assert [e.details["via"] for e in _events("account.email_confirmed")] == ["link"]

    assert _submit_from_the_page(client, nomination).status_code == 302
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED


def test_the_link_works_once(app, client):
    _register(client)
    link = _link("account_registered")
    assert submit(app.test_client(), link).status_code == 302
    for again in (app.test_client().get(link), submit(app.test_client(), link, form_url="/accounts/login")):
        assert again.status_code == 302 and again.location.endswith("/accounts/login")
    assert len(_events("account.email_confirmed")) == 1
    assert not accounts.confirm_email(accounts.find_user_by_email(EMAIL), via="link")  # a second use writes nothing
    assert len(_events("account.email_confirmed")) == 1


def test_the_link_expires_and_dies_with_a_changed_address(app, client):
    user = _register(client)
    token = accounts.confirmation_token(user)
    assert accounts.user_from_confirmation_token(token, max_age=3600) == user
    assert accounts.user_from_confirmation_token(token, max_age=-1) is None
    assert accounts.user_from_confirmation_token(token + "x", max_age=3600) is None
    app.config["EMAIL_CONFIRMATION_HOURS"] = -1
    expired = client.get(_link("account_registered"))
    assert expired.status_code == 302 and not db.session.get(User, user.id).email_confirmed
    app.config["EMAIL_CONFIRMATION_HOURS"] = 48
    user.email = "dia-chi-moi@thcs-kimdong.edu.vn"
    db.session.commit()
    assert accounts.user_from_confirmation_token(token, max_age=3600) is None


def test_the_link_is_sent_again_from_the_account_page_a_few_times_an_hour(app, client):
    user = _register(client)
    login(client, user)
    page = client.get("/accounts/email").get_data(as_text=True)
    assert "Chưa được xác nhận" in page and "Gửi lại đường dẫn xác nhận" in page
    for _ in range(3):
        assert submit(client, "/accounts/email/confirmation", form_url="/accounts/email").status_code == 302
    refused = submit(client, "/accounts/email/confirmation", form_url="/accounts/email")
    assert refused.status_code == 429 and "Vừa có nhiều đường dẫn được gửi" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert len(_events("account.confirmation_resent")) == 3
    resent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email_confirmation")).all()
    assert len(resent) == 3 and all(m.to_email == EMAIL for m in resent)
    assert submit(client, _link("email_confirmation")).status_code == 302  # a resent link works…
    assert db.session.get(User, user.id).email_confirmed
    assert client.get(_link("account_registered")).status_code == 302  # …and the first one no longer does
    assert "Đã xác nhận lúc" in client.get("/accounts/email").get_data(as_text=True)


def test_a_password_set_through_the_reset_link_confirms_the_address(app, client):
    """How staff accounts and invited jurors, made by someone else with a password nobody knows, confirm."""
    staff = accounts.create_staff_account(email="giamkhao@monre.gov.vn", password=accounts.unusable_password(),
                                          full_name="Hoàng Văn Nam", organisation="", roles=set())
    db.session.commit()
    assert not staff.email_confirmed
    url = f"/accounts/reset/{accounts.reset_token(staff)}"
    response = client.post(url, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert db.session.get(User, staff.id).email_confirmed
    assert [e.details["via"] for e in _events("account.email_confirmed")] == ["password_reset"]


def test_the_secretariat_submits_a_paper_dossier_for_an_applicant_who_never_confirmed(app, make_user):
    """The rule holds for the applicant submitting from their account, not for the secretariat entering a dossier
    that came on paper (the applicant's account is made with it and confirms once they set a password)."""
    import io

    import pytest

    from award_app.nominations import services as nominations
    from tests.sample_files import PDF

    round_ = open_round()
    secretariat = make_user("secretariat")
    nomination = nominations.enter_paper_dossier(round_, "truong.giay@example.vn", "Trường THCS Giấy",
                                                 "Trường THCS Giấy", actor=secretariat)
    nominations.save_dossier(nomination, {}, school_details(round_), version=None, actor=secretariat)
    items = {i.code: i for i in round_.checklist}
    uploads = [(items["registration_form"], None), (items["self_assessment"], None)]
    uploads += [(items["evidence"], criterion) for criterion in round_.rubrics[0].criteria]
    for n, (item, criterion) in enumerate(uploads):
        nominations.add_document(nomination, item, criterion, io.BytesIO(PDF + bytes([n])), f"tep-{n}.pdf",
                                 actor=secretariat)
    applicant = nomination.applicant
    assert not applicant.email_confirmed
    with pytest.raises(nominations.SubmissionRefused):
        nominations.submit(nomination, form_errors=[], actor=applicant)
    nominations.submit(nomination, form_errors=[], actor=secretariat)
    assert nomination.state == NominationState.SUBMITTED
