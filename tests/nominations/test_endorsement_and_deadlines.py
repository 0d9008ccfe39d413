import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from award_app.accounts.services import set_endorser_scopes
from award_app.clock import utcnow
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.nominations import rules, services
from award_app.nominations.models import EndorsementOutcome, Nomination, NominationState
from award_app.notifications.models import OutboxMessage
from award_app.rounds.models import HonouredName, ProgrammeCode
from tests.fixtures_dossiers import PDF, complete_school_dossier, open_round, school_applicant, submitted_school_dossier
from tests.helpers import login, submit


@pytest.fixture
def endorser(make_user):
    user = make_user(email="sogd@hanoi.edu.vn")
    set_endorser_scopes(user, {("ha-noi-34", "eco_school")})
    db.session.commit()
    return user


def test_an_endorser_sees_only_their_province_and_confirms_with_one_letter(app, endorser):
    round_ = open_round()
    hanoi = submitted_school_dossier(round_, school_applicant("a@truong.vn"))
    second = submitted_school_dossier(round_, school_applicant("b@truong.vn"), name="Trường THCS Lê Lợi")
    danang = submitted_school_dossier(round_, school_applicant("c@truong.vn"), name="Trường THCS Đà Nẵng",
                                      province="da-nang-34")
    client = app.test_client()
    login(client, endorser)
    page = client.get("/nominations/endorsement/").get_data(as_text=True)
    assert hanoi.reference in page and second.reference in page and danang.reference not in page
    assert client.get(f"/nominations/{danang.id}").status_code == 404
    response = submit(client, "/nominations/endorsement/confirm", {
        "nomination_ids": [str(hanoi.id), str(second.id)], "number": "125/SGDĐT",
        "letter": (io.BytesIO(PDF), "cong-van.pdf")}, form_url="/nominations/endorsement/",
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert hanoi.state == second.state == NominationState.ENDORSED
    assert hanoi.endorsements[0].letter_id == second.endorsements[0].letter_id
    assert danang.state == NominationState.SUBMITTED


def test_confirming_a_dossier_one_may_not_endorse_is_404_and_changes_nothing(app, endorser, make_user):
    round_ = open_round()
    danang = submitted_school_dossier(round_, school_applicant("c@truong.vn"), name="Trường THCS Đà Nẵng",
                                      province="da-nang-34")
    letter = {"nomination_ids": [str(danang.id)], "number": "125/SGDĐT", "letter": (io.BytesIO(PDF), "cv.pdf")}
    client = app.test_client()
    login(client, endorser)  # Hà Nội's endorser, naming Đà Nẵng's dossier
    response = submit(client, "/nominations/endorsement/confirm", dict(letter), form_url="/nominations/endorsement/",
                      content_type="multipart/form-data")
    assert response.status_code == 404
    outsider = app.test_client()
    login(outsider, make_user("auditor"))  # no endorser at all
    response = submit(outsider, "/nominations/endorsement/confirm", {**letter, "letter": (io.BytesIO(PDF), "cv.pdf")},
                      form_url="/accounts/privacy", content_type="multipart/form-data")
    assert response.status_code == 404
    db.session.expire_all()
    assert danang.state == NominationState.SUBMITTED and not danang.endorsements


def test_the_letter_must_be_a_pdf(app, endorser):
    round_ = open_round()
    nomination = submitted_school_dossier(round_, school_applicant())
    client = app.test_client()
    login(client, endorser)
    submit(client, "/nominations/endorsement/confirm", {
        "nomination_ids": [str(nomination.id)], "number": "1/SGDĐT",
        "letter": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "cong-van.pdf")},
        form_url="/nominations/endorsement/", content_type="multipart/form-data")
    db.session.expire_all()
    assert nomination.state == NominationState.SUBMITTED


def test_a_returned_dossier_goes_back_to_the_applicant_with_the_comment(app, endorser):
    round_ = open_round()
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    client = app.test_client()
    login(client, endorser)
    comment = "Thiếu chữ ký của Hiệu trưởng trên phiếu đăng ký."
    response = submit(client, f"/nominations/{nomination.id}/return", {"reason": comment},
                      form_url=f"/nominations/{nomination.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert nomination.state == NominationState.RETURNED
    assert nomination.endorsements[-1].outcome == EndorsementOutcome.RETURNED
    school = app.test_client()
    login(school, applicant.email, "cay-bang-truoc-cong-truong")
    assert comment in school.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "returned")).one()
    assert comment in mail.body and mail.to_email == applicant.email
    services.submit(nomination, form_errors=[], actor=applicant)  # corrected and submitted again
    assert nomination.state == NominationState.SUBMITTED


def test_the_deadline_is_viet_nam_time_and_an_extension_reopens_submission(app, make_user):
    round_ = open_round()
    # The call closes at 17:00 in Viet Nam, 10:00 UTC.
    round_.opens_at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    round_.closes_at = datetime(2026, 5, 31, 10, 0, tzinfo=UTC)
    db.session.commit()
    applicant = school_applicant()
    nomination = complete_school_dossier(round_, applicant)
    just_in_time = datetime(2026, 5, 31, 9, 59, 59, tzinfo=UTC)  # 16:59:59 in Hà Nội
    too_late = datetime(2026, 5, 31, 10, 0, 1, tzinfo=UTC)  # 17:00:01 in Hà Nội
    assert services.submission_problems(nomination, [], just_in_time) == []
    problems = services.submission_problems(nomination, [], too_late)
    assert len(problems) == 1 and problems == rules.deadline_problems(too_late, round_.closes_at)
    secretariat = make_user("secretariat")
    services.extend_deadline(nomination, datetime(2026, 6, 5, 10, 0, tzinfo=UTC), "Trường vùng lũ", actor=secretariat)
    services.extend_deadline(nomination, datetime(2026, 6, 10, 10, 0, tzinfo=UTC), "Gia hạn lần hai",
                             actor=secretariat)
    with pytest.raises(InvalidTransition):
        services.extend_deadline(nomination, datetime(2026, 6, 1, tzinfo=UTC), "Sớm hơn", actor=secretariat)
    assert nomination.deadline == datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
    assert services.submission_problems(nomination, [], too_late) == []
    assert [x.reason for x in nomination.extensions] == ["Trường vùng lũ", "Gia hạn lần hai"]


def test_the_secretariat_extends_through_the_page_in_viet_nam_time(app, client, signed_in):
    round_ = open_round()
    nomination = complete_school_dossier(round_, school_applicant())
    signed_in("secretariat")
    response = submit(client, f"/nominations/{nomination.id}/extend",
                      {"new_deadline": "30/12/2026 17:00", "reason": "Bão số 3"},
                      form_url=f"/nominations/{nomination.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert nomination.deadline == datetime(2026, 12, 30, 10, 0, tzinfo=UTC)


def test_a_similar_name_on_the_honoured_list_is_flagged_not_refused(app):
    db.session.add(HonouredName(programme_code=ProgrammeCode.ECO_SCHOOL, name="THCS Nguyen Trai (Ha Noi)", year=2019))
    db.session.commit()
    round_ = open_round()
    nomination = submitted_school_dossier(round_, school_applicant())
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.flags == ["honoured:THCS Nguyen Trai (Ha Noi)"]
    other = submitted_school_dossier(round_, school_applicant("x@truong.vn"), name="Trường Tiểu học Kim Đồng")
    assert other.flags == []


def test_the_receipt_names_the_reference_and_the_files(app, client):
    round_ = open_round()
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    with client.get(f"/nominations/{nomination.id}/receipt.pdf") as response:  # served from its kept file
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.data, capture_output=True,
                              check=True).stdout.decode()
    assert nomination.reference in text and "BIÊN NHẬN HỒ SƠ ĐỀ CỬ" in text and "minh-chung-policy.pdf" in text


def test_the_secretariat_enters_a_paper_dossier_marked_as_such(app, client, signed_in):
    round_ = open_round()
    secretariat = signed_in("secretariat")
    response = submit(client, f"/nominations/round/{round_.id}/paper", {
        "email": "thcs.bacha@laocai.edu.vn", "full_name": "Hoàng Văn Páo", "organisation": "Trường THCS Bắc Hà"})
    assert response.status_code == 302
    nomination = db.session.scalars(select(Nomination)).one()
    assert nomination.entered_by_id == secretariat.id and nomination.applicant.email == "thcs.bacha@laocai.edu.vn"
    page = client.get(response.location).get_data(as_text=True)
    assert secretariat.full_name in page


def test_a_heic_photo_is_refused_with_a_way_out(app):
    round_ = open_round(ProgrammeCode.YOUTH)
    applicant = school_applicant()
    nomination = services.create_nomination(round_, applicant)
    photos = next(i for i in round_.checklist if i.code == "action_photos")
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(services.UploadProblem) as refused:
        services.add_document(nomination, photos, None, io.BytesIO(heic), "IMG_0001.HEIC", actor=applicant)
    assert "JPEG" in str(refused.value)


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_images_get_a_re_encoded_thumbnail(app, client, storage_backend):
    import segno

    round_ = open_round(ProgrammeCode.YOUTH)
    applicant = school_applicant()
    nomination = services.create_nomination(round_, applicant)
    photos = next(i for i in round_.checklist if i.code == "action_photos")
    buffer = io.BytesIO()
    segno.make("Ảnh hoạt động").save(buffer, kind="png", scale=8)
    document = services.add_document(nomination, photos, None, io.BytesIO(buffer.getvalue()), "anh.png",
                                     actor=applicant)
    db.session.commit()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    with client.get(f"/nominations/{nomination.id}/documents/{document.id}/thumbnail") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.data.startswith(b"\xff\xd8\xff")


def test_a_city_entry_gets_its_indicator_table(app, client):
    from decimal import Decimal

    from award_app.accounts.models import ApplicantKind
    from award_app.accounts.services import register_applicant

    round_ = open_round(ProgrammeCode.CITY)
    committee = register_applicant(email="ubnd@danang.gov.vn", password="che-thai-nguyen-ngon",
                                   full_name="Phan Văn Tùng", applicant_kind=ApplicantKind.PROVINCE_COMMITTEE,
                                   organisation="UBND Đà Nẵng", phone="", province_id="da-nang-34", locale=None,
                                   notice_version="test", email_confirmed=True)
    nomination = services.create_nomination(round_, committee)
    services.save_dossier(nomination, {}, {"city_name": "Đà Nẵng", "province_id": "da-nang-34", "population": 1220000,
                                           "area_km2": "1285.4", "outcomes": ["esc", "clean_air"], "narrative": "x"},
                          version=None, actor=committee)
    db.session.commit()
    assert sorted(e.group.code for e in nomination.entries) == ["cor_clean_air_big", "esc"]
    air = next(e for e in nomination.entries if e.group.code == "cor_clean_air_big")
    pm10 = next(i for i in round_.indicators if i.outcome == "clean_air")
    services.add_indicator_value(air, pm10, 2025, Decimal("12"), None, actor=committee)
    esc_indicator = next(i for i in round_.indicators if i.outcome == "esc")
    with pytest.raises(InvalidTransition):
        services.add_indicator_value(air, esc_indicator, 2025, Decimal("98"), None, actor=committee)
    db.session.commit()
    login(client, committee.email, "che-thai-nguyen-ngon")
    page = client.get(f"/nominations/{nomination.id}/entries/{air.id}").get_data(as_text=True)
    assert pm10.name_vi in page or pm10.name_en in page


def test_e_mails_are_written_with_the_change_and_vanish_with_a_rollback(app):
    round_ = open_round()
    applicant = school_applicant()
    nomination = complete_school_dossier(round_, applicant)
    services.submit(nomination, form_errors=[], actor=applicant)
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    nomination = db.session.get(Nomination, nomination.id)
    services.submit(nomination, form_errors=[], actor=applicant)
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert nomination.reference in message.subject and message.sent_at is None
    assert "ES-2026-0001" in message.body


def test_the_deadline_passed_stops_a_submission(app):
    round_ = open_round()
    applicant = school_applicant()
    nomination = complete_school_dossier(round_, applicant)
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(services.SubmissionRefused):
        services.submit(nomination, form_errors=[], actor=applicant)
