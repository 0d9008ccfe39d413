"""Nominations through pages and forms: drafts, submission, stale edits, who sees what, files, search."""

import html
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from award_app.clock import utcnow
from award_app.extensions import db
from award_app.nominations.models import Document, Nomination, NominationState
from award_app.rounds.models import ProgrammeCode
from award_app.storage import S3Storage, content_key, current_storage
from tests.helpers import login, submit
from tests.nominations.factories import (
    CITY,
    ECO_SCHOOL,
    ECO_SCHOOL_FORM,
    HTML,
    PDF,
    VERSION_PATTERN,
    applicant,
    draft,
    open_round,
    staff,
    submitted,
    upload_required,
)


def signed_in_client(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user)
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def version_on(client, nomination_id: int) -> str:
    return VERSION_PATTERN.search(client.get(f"/nominations/{nomination_id}/edit").get_data(as_text=True)).group(1)


def post_dossier(client, nomination_id: int, fields: dict, action: str = "save", version: str | None = None):
    url = f"/nominations/{nomination_id}/edit"
    version = version or version_on(client, nomination_id)
    return submit(client, url, {**fields, "version": version, "action": action})


def fresh(nomination) -> Nomination:
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id)


def upload(client, nomination_id: int, item_id: int, data: bytes, name: str, criterion_id: int | None = None):
    form = {"checklist_item_id": str(item_id), "criterion_id": str(criterion_id or ""),
            "file": (io.BytesIO(data), name)}
    return submit(client, f"/nominations/{nomination_id}/documents", form,
                  form_url=f"/nominations/{nomination_id}/edit", content_type="multipart/form-data",
                  follow_redirects=True)


# -- drafts and submission ------------------------------------------------------------------

def test_a_school_starts_a_dossier_and_the_draft_keeps_every_typed_value(app):
    round_ = open_round()
    school = applicant("school")
    client = signed_in_client(app, school)
    response = submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    assert response.status_code == 302
    nomination_id = int(re.search(r"/nominations/(\d+)/edit", response.headers["Location"]).group(1))
    typed = {"school_name": "Trường THCS Nguyễn Trãi", "pupils": "tám trăm", "teachers": "-3",
             "address": "", "video_link": "không phải đường dẫn", "principal_contact": "0912 345 678"}
    assert post_dossier(client, nomination_id, typed).status_code == 302
    page = text_of(client.get(f"/nominations/{nomination_id}/edit"))
    for value in ("Trường THCS Nguyễn Trãi", "tám trăm", 'value="-3"', "không phải đường dẫn", "0912 345 678"):
        assert value in page
    nomination = db.session.get(Nomination, nomination_id)
    assert nomination.state == NominationState.DRAFT
    assert nomination.details["school_name"] == "Trường THCS Nguyễn Trãi" and "pupils" not in nomination.details


def test_submitting_lists_every_reason_at_once_and_keeps_the_draft(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    round_.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    client = signed_in_client(app, school)
    fields = {**ECO_SCHOOL_FORM, "school_name": "", "pupils": "nhiều"}
    response = post_dossier(client, nomination.id, fields, action="submit")
    assert response.status_code == 200
    page = text_of(response)
    assert "The deadline for submissions has passed." in page
    assert "“School name” is not filled in." in page
    assert "“Pupils”: Enter a whole number." in page and "“Pupils” is not filled in." not in page  # typed, not empty
    assert "“Registration form signed by the principal”: 0 of at least 1 files uploaded." in page
    assert page.count("files uploaded.") == 6
    assert 'value="nhiều"' in page
    nomination = fresh(nomination)
    assert nomination.state == NominationState.DRAFT and nomination.reference is None
    assert nomination.details["address"] == ECO_SCHOOL["address"]  # the valid part of the draft is saved


def test_after_the_deadline_a_complete_dossier_is_refused_for_the_deadline(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    upload_required(nomination, school)
    round_.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = post_dossier(signed_in_client(app, school), nomination.id, ECO_SCHOOL_FORM, action="submit")
    assert response.status_code == 200
    page = text_of(response)
    assert "The deadline for submissions has passed." in page and "files uploaded" not in page
    assert fresh(nomination).state == NominationState.DRAFT


def test_a_complete_dossier_before_the_deadline_is_submitted_with_its_reference(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    upload_required(nomination, school)
    client = signed_in_client(app, school)
    response = post_dossier(client, nomination.id, ECO_SCHOOL_FORM, action="submit")
    assert response.status_code == 302
    assert "ES-2026-0001" in text_of(client.get(response.headers["Location"]))
    nomination = fresh(nomination)
    assert nomination.state == NominationState.SUBMITTED and nomination.reference == "ES-2026-0001"
    assert [e.group.code for e in nomination.entries] == ["thcs"]


def test_a_stale_save_gives_the_form_back_and_leaves_the_newer_value(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    first, second = signed_in_client(app, school), signed_in_client(app, school)
    seen_by_second = version_on(second, nomination.id)
    assert post_dossier(first, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "900"}).status_code == 302
    response = post_dossier(second, nomination.id, {**ECO_SCHOOL_FORM, "pupils": "700",
                                                   "school_name": "Trường THCS Nguyễn Trãi (cơ sở 2)"},
                            version=seen_by_second)
    assert response.status_code == 200
    page = text_of(response)
    assert "Someone else saved this in the meantime" in page
    assert 'value="700"' in page and "Trường THCS Nguyễn Trãi (cơ sở 2)" in page
    details = fresh(nomination).details
    assert details["pupils"] == 900 and details["school_name"] == "Trường THCS Nguyễn Trãi"


def test_a_city_applying_for_esc_and_two_categories_gets_three_entries(app):
    round_ = open_round(ProgrammeCode.CITY)
    committee = applicant("province_committee")
    nomination = draft(round_, committee)
    fields = {"city_name": CITY["city_name"], "province_id": "hue-34", "population": "800,000", "area_km2": "265.99",
              "outcomes": ["esc", "clean_air", "circular_economy"], "narrative": CITY["narrative"]}
    assert post_dossier(signed_in_client(app, committee), nomination.id, fields).status_code == 302
    nomination = fresh(nomination)
    assert nomination.details["population"] == 800_000
    assert sorted(e.group.code for e in nomination.entries) == ["cor_circular_economy_big", "cor_clean_air_big", "esc"]


# -- who may do what ------------------------------------------------------------------------

def test_a_school_cannot_start_a_youth_nomination(app):
    youth_round = open_round(ProgrammeCode.YOUTH)
    client = signed_in_client(app, applicant("school"))
    assert submit(client, f"/nominations/start/{youth_round.id}", form_url="/nominations/").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0


def test_nobody_starts_a_nomination_after_the_closing_time(app):
    round_ = open_round()
    round_.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    client = signed_in_client(app, applicant("school"))
    assert submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/").status_code == 404


def test_another_applicant_gets_404_on_someone_elses_dossier(app):
    round_ = open_round()
    nomination = draft(round_, applicant("school"), ECO_SCHOOL)
    upload_required(nomination, nomination.applicant)
    document = nomination.documents[0]
    other = signed_in_client(app, applicant("school"))
    assert other.get(f"/nominations/{nomination.id}").status_code == 404
    assert other.get(f"/nominations/{nomination.id}/edit").status_code == 404
    assert other.get(f"/nominations/{nomination.id}/documents/{document.id}").status_code == 404
    response = submit(other, f"/nominations/{nomination.id}/edit", {**ECO_SCHOOL_FORM, "version": "1"},
                      form_url="/nominations/")
    assert response.status_code == 404
    response = submit(other, f"/nominations/{nomination.id}/withdraw", {"reason": "không"}, form_url="/nominations/")
    assert response.status_code == 404
    assert fresh(nomination).state == NominationState.DRAFT


def test_a_document_downloads_as_an_attachment_with_nosniff(app):
    school = applicant("school")
    nomination = draft(open_round(), school, ECO_SCHOOL)
    upload_required(nomination, school)
    document = nomination.documents[0]
    response = signed_in_client(app, school).get(f"/nominations/{nomination.id}/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    response.close()
    assert response.headers["Content-Disposition"].startswith("attachment")
    # The server's name (reference or draft number, item, number, type), never the uploader's.
    expected = f"attachment; filename=draft-{nomination.id}_registration-form_1.pdf"
    assert response.headers["Content-Disposition"] == expected
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_the_secretariat_may_read_but_not_edit_a_dossier(app):
    school = applicant("school")
    nomination = submitted(open_round(), school)
    client = signed_in_client(app, staff("secretariat"))
    assert client.get(f"/nominations/{nomination.id}").status_code == 200
    response = client.get(f"/nominations/{nomination.id}/documents/{nomination.documents[0].id}")
    response.close()
    assert response.status_code == 200
    assert client.get(f"/nominations/{nomination.id}/edit").status_code == 404


# -- files through the page -----------------------------------------------------------------

def test_a_renamed_html_file_is_refused_on_upload(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    response = upload(signed_in_client(app, school), nomination.id, item.id, HTML, "ho-so.pdf")
    assert "This file is not a PDF, JPEG, PNG or Word (DOCX) document, whatever its name says." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_file_over_the_limit_is_refused_on_upload_and_nothing_is_kept(app):
    app.config["UPLOAD_MAX_FILE_MB"] = 0.2  # a small body: Werkzeug's test client leaves a large one's file open
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    response = upload(signed_in_client(app, school), nomination.id, item.id, PDF + bytes(300 * 1024), "lon.pdf")
    error = re.search(r'<div class="error" id="file-error" role="alert">(.*?)</div>', text_of(response), re.S).group(1)
    assert "This file (0.3 MB) is larger than 0.2 MB, the most per file" in error  # beside the field, with the limit
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    root = Path(app.config["UPLOAD_FOLDER"])
    assert not root.exists() or [p for p in root.rglob("*") if p.is_file()] == []


def test_an_uploaded_file_is_stored_under_its_sha_not_its_name(app):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    upload(signed_in_client(app, school), nomination.id, item.id, PDF, "phieu-dang-ky.pdf")
    (document,) = fresh(nomination).documents
    root = Path(app.config["UPLOAD_FOLDER"])
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert stored == [root / document.sha256[:2] / document.sha256]
    assert document.original_name == "phieu-dang-ky.pdf"


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_an_uploaded_file_is_downloaded_byte_for_byte_from_the_configured_store(app, storage_backend):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    client = signed_in_client(app, school)
    upload(client, nomination.id, item.id, PDF, "phiếu đăng ký.pdf")
    (document,) = fresh(nomination).documents
    assert list(current_storage().list_keys()) == [content_key(document.sha256)]
    if storage_backend == "s3":
        assert isinstance(current_storage(), S3Storage)
        assert not Path(app.config["UPLOAD_FOLDER"]).exists()  # nothing kept on this server's disk
    with client.get(f"/nominations/{nomination.id}/documents/{document.id}") as response:
        assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- withdrawal -----------------------------------------------------------------------------

def test_withdrawal_needs_a_reason_and_the_applicant_then_reads_it(app):
    school = applicant("school")
    nomination = submitted(open_round(), school)
    client = signed_in_client(app, school)
    url, page = f"/nominations/{nomination.id}/withdraw", f"/nominations/{nomination.id}"
    response = submit(client, url, {"reason": ""}, form_url=page, follow_redirects=True)
    assert "Give a reason for the withdrawal." in text_of(response)
    assert fresh(nomination).state == NominationState.SUBMITTED
    reason = "Nhà trường xin rút hồ sơ vì đổi Hiệu trưởng."
    assert submit(client, url, {"reason": reason}, form_url=page).status_code == 302
    assert fresh(nomination).state == NominationState.WITHDRAWN
    assert reason in text_of(client.get(page))


def test_a_draft_can_be_withdrawn_and_stays_out_of_the_secretariats_list(app):
    school = applicant("school")
    round_ = open_round()
    nomination = draft(round_, school)
    client = signed_in_client(app, school)
    reason = "Nhà trường chưa đủ điều kiện năm nay."
    response = submit(client, f"/nominations/{nomination.id}/withdraw", {"reason": reason},
                      form_url=f"/nominations/{nomination.id}")
    assert response.status_code == 302
    assert fresh(nomination).state == NominationState.WITHDRAWN and fresh(nomination).reference is None
    secretariat = signed_in_client(app, staff("secretariat"))
    assert f"/nominations/{nomination.id}\"" not in text_of(secretariat.get(f"/nominations/round/{round_.id}"))


# -- the secretariat's list -----------------------------------------------------------------

def test_search_ignores_diacritics_and_case(app):
    round_ = open_round()
    submitted(round_, details={**ECO_SCHOOL, "school_name": "Trường THCS Nguyễn Trãi"})
    submitted(round_, details={**ECO_SCHOOL, "school_name": "Trường THCS Lê Văn Tám",
                               "address": "Phố Huế, Hai Bà Trưng"})
    client = signed_in_client(app, staff("secretariat"))
    for query in ("nguyen trai", "NGUYỄN TRÃI", "Nguyen  Trai"):
        page = text_of(client.get(f"/nominations/round/{round_.id}", query_string={"q": query}))
        assert "Trường THCS Nguyễn Trãi" in page and "Lê Văn Tám" not in page, query
    page = text_of(client.get(f"/nominations/round/{round_.id}", query_string={"q": "le van tam"}))
    assert "Lê Văn Tám" in page and "Trường THCS Nguyễn Trãi" not in page
    page = text_of(client.get(f"/nominations/round/{round_.id}", query_string={"q": "es-2026-0002"}))
    assert "Lê Văn Tám" in page and "Trường THCS Nguyễn Trãi" not in page


def test_an_applicant_cannot_list_a_rounds_nominations(app):
    round_ = open_round()
    submitted(round_)
    client = signed_in_client(app, applicant("school"))
    assert client.get(f"/nominations/round/{round_.id}").status_code == 404
    assert client.get(f"/nominations/round/{round_.id}", query_string={"q": "nguyen"}).status_code == 404


def test_a_reason_made_of_blanks_is_no_reason_for_a_withdrawal(app):
    school = applicant("school")
    nomination = submitted(open_round(), school)
    client = signed_in_client(app, school)
    response = submit(client, f"/nominations/{nomination.id}/withdraw", {"reason": " \t "},
                      form_url=f"/nominations/{nomination.id}", follow_redirects=True)
    assert "Give a reason for the withdrawal." in text_of(response)
    assert fresh(nomination).state == NominationState.SUBMITTED


# -- a city's entries (issue 19) ------------------------------------------------------------

@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "“Giải thưởng Thành phố bền vững về môi trường ASEAN (ESC)”: cần viết thuyết minh và nhập ít nhất một "
           "giá trị chỉ số"),
    ("en", "“ASEAN ESC Award”: write its narrative and add at least one indicator value")])
def test_a_city_entry_without_narrative_or_indicator_is_not_submitted_and_the_page_names_it(app, lang, message):
    round_ = open_round(ProgrammeCode.CITY)
    committee = applicant("province_committee")
    nomination = draft(round_, committee, CITY)
    upload_required(nomination, committee)
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, committee)
    fields = {**{k: str(v) for k, v in CITY.items() if k != "outcomes"}, "outcomes": ["esc"],
              "population": "800000", "area_km2": "265"}
    response = post_dossier(client, nomination.id, fields, action="submit")
    assert response.status_code == 200 and message in text_of(response)
    assert fresh(nomination).state == NominationState.DRAFT and fresh(nomination).reference is None


@pytest.mark.parametrize(("lang", "shown", "to_do"), [
    ("vi", "đã có 0, cần ít nhất 5", "còn thiếu 5"), ("en", "0 of at least 5", "5 more needed")])
def test_the_document_counter_reads_as_a_sentence(app, lang, shown, to_do):
    round_ = open_round(ProgrammeCode.YOUTH)
    owner = applicant("youth_nominator")
    nomination = draft(round_, owner)
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, owner)
    page = text_of(client.get(f"/nominations/{nomination.id}/edit"))
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    photos = next(row for row in rows if "action" in row.lower() or "hoạt động" in row)
    assert f'{shown} — <span class="badge warn">{to_do}</span>' in photos and "/ " not in photos
