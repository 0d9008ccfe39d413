import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from award_app.clock import today_in_vietnam
from award_app.eligibility import services
from award_app.eligibility.models import DocumentRequest
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.nominations import services as nominations
from award_app.nominations.models import NominationState
from award_app.notifications.models import OutboxMessage
from award_app.rounds.models import ProgrammeCode
from tests.fixtures_dossiers import PDF, open_round, school_applicant, submitted_school_dossier
from tests.helpers import login, submit


def _items(round_, *codes):
    return [i for i in round_.checklist if i.code in codes]


def test_the_secretariat_asks_for_documents_and_the_applicant_sends_them(app, make_user):
    round_ = open_round()
    round_.endorsement_required = False
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    secretariat = make_user("secretariat")
    form = next(iter(_items(round_, "registration_form")))
    request = services.request_documents(nomination, [form.id], "Phiếu đăng ký chưa có dấu đỏ.", actor=secretariat)
    db.session.commit()
    assert nomination.state == NominationState.MISSING_DOCUMENTS
    assert request.due_on == services.due_date(today_in_vietnam())
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "documents_requested")).one()
    assert "Phiếu đăng ký chưa có dấu đỏ." in mail.body
    # Only the requested document may change now.
    other = next(iter(_items(round_, "self_assessment")))
    with pytest.raises(InvalidTransition):
        nominations.add_document(nomination, other, None, io.BytesIO(PDF + b"x"), "khac.pdf", actor=applicant)
    old = next(d for d in nomination.documents if d.checklist_item_id == form.id)
    nominations.remove_document(old, actor=applicant)
    nominations.add_document(nomination, form, None, io.BytesIO(PDF + b"signed"), "dang-ky-co-dau.pdf",
                             actor=applicant)
    services.send_requested_documents(nomination, actor=applicant)
    db.session.commit()
    assert nomination.state == NominationState.SUBMITTED and nomination.requested_items == []
    assert db.session.get(DocumentRequest, request.id).fulfilled_at is not None


def test_the_due_date_skips_the_calendars_holidays(app):
    # Requested Friday 6 Feb 2026: Tết (16–20 Feb) is in the seeded calendar.
    assert services.due_date(date(2026, 2, 6)) == date(2026, 3, 6)


def test_an_overdue_request_is_flagged_on_the_secretariats_list(app, client, signed_in):
    round_ = open_round()
    round_.endorsement_required = False
    nomination = submitted_school_dossier(round_, school_applicant())
    secretariat = signed_in("secretariat")
    request = services.request_documents(nomination, [_items(round_, "registration_form")[0].id], "Thiếu dấu.",
                                         actor=secretariat)
    request.due_on = today_in_vietnam() - timedelta(days=1)
    db.session.commit()
    assert services.is_overdue(request, today_in_vietnam())
    page = client.get(f"/screening/round/{round_.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "overdue" in page


def test_a_request_needs_a_message_and_documents(app, make_user):
    round_ = open_round()
    nomination = submitted_school_dossier(round_, school_applicant())
    secretariat = make_user("secretariat")
    with pytest.raises(InvalidTransition):
        services.request_documents(nomination, [], "Thiếu.", actor=secretariat)
    with pytest.raises(InvalidTransition):
        services.request_documents(nomination, [round_.checklist[0].id], "  ", actor=secretariat)


def test_the_applicant_sends_the_documents_from_the_dossier_page(app, client, make_user):
    round_ = open_round(ProgrammeCode.ECO_SCHOOL)
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    services.request_documents(nomination, [round_.checklist[0].id], "Bổ sung phiếu đăng ký.",
                               actor=make_user("secretariat"))
    db.session.commit()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "Bổ sung phiếu đăng ký." in page
    response = submit(client, f"/screening/nominations/{nomination.id}/documents-sent",
                      form_url=f"/nominations/{nomination.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert nomination.state == NominationState.SUBMITTED
