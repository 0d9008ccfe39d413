"""A file that cannot be kept (issue 19): the message says which limit, per file or what is left of the dossier; it
stands beside the file field, the document and criterion chosen stay chosen and everything typed is kept; a form
too large to read at all comes back as the same page, not a bare error page. The criterion is asked only where a
document is evidence per criterion (eco-schools)."""

import html
import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.extensions import db
from award_app.nominations import services
from award_app.nominations.models import Document, Nomination
from award_app.rounds.models import ProgrammeCode
from award_app.uploads import CappedFile
from tests.helpers import CSRF_PATTERN, login
from tests.nominations.factories import (
    ECO_SCHOOL,
    ECO_SCHOOL_FORM,
    PDF,
    VERSION_PATTERN,
    applicant,
    draft,
    open_round,
    staff,
    submitted,
)

KB = 1024
MB = 1024 * KB


def client_in(app, user, lang: str):
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, user)
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_block(page: str, field_id: str) -> str:
    """The <div class="field"> that holds the control `field_id`, with its label, hint and error."""
    return re.search(rf'<div class="field[^"]*">\s*<label for="{field_id}">.*?</div>\s*</div>', page, re.S).group(0)


def item_of(round_, code: str):
    return next(i for i in round_.checklist if i.code == code)


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


# -- the messages -------------------------------------------------------------------------------

def english(message) -> str:
    with force_locale("en"):
        return str(message)


def test_a_file_over_the_per_file_limit_is_told_its_size_and_the_limits(app):
    app.config.update(UPLOAD_MAX_FILE_MB=1, UPLOAD_MAX_DOSSIER_MB=10)
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    with pytest.raises(services.UploadProblem) as refused, force_locale("en"):  # sizes in the reader's notation
        services.add_document(nomination, item_of(round_, "registration_form"), None,
                              io.BytesIO(PDF + bytes(2 * MB)), "lon.pdf", actor=school)
    assert english(refused.value.messages[0]) == (
        "This file (2.1 MB) is larger than 1 MB, the most per file: send a smaller or compressed copy. This dossier "
        "has 10 MB left of 10 MB.")


def test_a_full_dossier_blames_the_dossier_not_the_file(app):
    app.config.update(UPLOAD_MAX_FILE_MB=1, UPLOAD_MAX_DOSSIER_MB=1)
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    services.add_document(nomination, item_of(round_, "registration_form"), None, io.BytesIO(PDF + b" " * 700 * KB),
                          "dang-ky.pdf", actor=school)
    db.session.commit()
    item = item_of(round_, "self_assessment")
    with pytest.raises(services.UploadProblem) as refused, force_locale("en"):
        services.add_document(nomination, item, None, io.BytesIO(PDF + b" " * 400 * KB), "bao-cao.pdf", actor=school)
    message = english(refused.value.messages[0])
    assert message.startswith("This file (0.4 MB) is more than what is left for this dossier: 0.3 MB of 1 MB.")
    assert "most per file" not in message
    app.config["UPLOAD_MAX_DOSSIER_MB"] = 0.5  # already over: nothing more, whatever the file
    with pytest.raises(services.UploadProblem) as refused, force_locale("en"):
        services.add_document(nomination, item, None, io.BytesIO(PDF), "nho.pdf", actor=school)
    assert english(refused.value.messages[0]) == (
        "This dossier already holds 0.5 MB of files, the most it may: remove a file before adding another.")
    db.session.rollback()
    assert documents() == 1


def test_a_stream_keeps_no_more_than_the_limit_and_counts_what_was_sent():
    stream = CappedFile(keep=10)
    for _ in range(5):
        stream.write(b"0123456789")
    stream.seek(0)
    assert stream.read() == b"0123456789" and stream.received == 50
    stream.close()


# -- the pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "Tệp này (0,3 MB) lớn hơn 0,2 MB, mức tối đa cho mỗi tệp"),
    ("en", "This file (0.3 MB) is larger than 0.2 MB, the most per file"),
])
def test_a_refused_file_on_the_dossier_form_keeps_the_choice_and_the_typing_and_says_why_beside_it(app, lang,
                                                                                                  message):
    app.config["UPLOAD_MAX_FILE_MB"] = 0.2  # small bodies: Werkzeug's test client leaves a large one's file open
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    client = client_in(app, school, lang)
    url = f"/nominations/{nomination.id}/edit"
    page = client.get(url).get_data(as_text=True)
    evidence, criterion = item_of(round_, "evidence"), round_.rubrics[0].criteria[2]
    response = client.post(url, content_type="multipart/form-data", data={
        **ECO_SCHOOL_FORM, "school_name": "Trường THCS Kim Liên", "pupils": "1.250" if lang == "vi" else "1,250",
        "csrf_token": CSRF_PATTERN.search(page).group(1), "version": VERSION_PATTERN.search(page).group(1),
        "action": "upload", "checklist_item_id": str(evidence.id), "criterion_id": str(criterion.id),
        "file": (io.BytesIO(PDF + bytes(300 * KB)), "minh-chung.pdf")})
    page = text_of(response)
    assert response.status_code == 200
    file_field = field_block(page, "file")
    assert message in file_field and "autofocus" in file_field and 'aria-invalid="true"' in file_field
    assert f'<option selected value="{evidence.id}">' in field_block(page, "checklist_item_id")
    assert f'<option selected value="{criterion.id}">' in field_block(page, "criterion_id")
    assert 'value="Trường THCS Kim Liên"' in page and "flash error" not in page.split('id="documents"')[0]
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).details["pupils"] == 1250 and documents() == 0


@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "Hệ thống chưa nhận được tệp: cả biểu mẫu kèm tệp nặng"),
    ("en", "The file was not received: with its form it was"),
])
def test_a_form_too_large_to_read_comes_back_as_its_page_with_the_limits(app, lang, message):
    app.config.update(MAX_CONTENT_LENGTH=200 * KB, UPLOAD_MAX_FILE_MB=20, UPLOAD_MAX_DOSSIER_MB=200)
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    client = client_in(app, school, lang)
    url = f"/nominations/{nomination.id}/edit"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, content_type="multipart/form-data", data={
        **ECO_SCHOOL_FORM, "csrf_token": CSRF_PATTERN.search(page).group(1),
        "version": VERSION_PATTERN.search(page).group(1), "action": "upload",
        "checklist_item_id": str(item_of(round_, "registration_form").id),
        "file": (io.BytesIO(PDF + bytes(300 * KB)), "lon.pdf")})
    page = text_of(response)
    assert response.status_code == 413 and message in field_block(page, "file")
    assert ("20 MB" in field_block(page, "file")) and ("200 MB" in field_block(page, "file"))
    assert 'value="Trường THCS Nguyễn Trãi"' in page  # the draft as saved, in its form, to carry on
    assert documents() == 0


def test_elsewhere_a_request_too_large_gets_a_page_that_states_the_limits(app):
    app.config.update(MAX_CONTENT_LENGTH=200 * KB, UPLOAD_MAX_FILE_MB=20)
    client = client_in(app, staff("secretariat"), "en")
    page = client.get("/").get_data(as_text=True)
    response = client.post("/accounts/language", data={"csrf_token": CSRF_PATTERN.search(page).group(1),
                                                       "lang": "en", "padding": "x" * (300 * KB)})
    text = text_of(response)
    assert response.status_code == 413
    assert "larger than the 0.2 MB the platform receives at once; a file may have at most 20 MB" in text


def test_the_document_requested_page_gives_the_error_beside_the_field_too(app):
    app.config["UPLOAD_MAX_FILE_MB"] = 0.2
    round_ = open_round()
    nomination = submitted(round_)
    from award_app.eligibility import services as eligibility
    from award_app.rounds.models import RoundState
    from award_app.rounds.services import advance_round
    from tests.nominations.factories import in_request

    advance_round(round_, RoundState.CLOSED)
    advance_round(round_, RoundState.SCREENING)
    item, criterion = item_of(round_, "evidence"), round_.rubrics[0].criteria[1]
    with in_request():
        eligibility.request_documents(nomination, [item.id], "Xin bổ sung minh chứng.", actor=staff("secretariat"))
    db.session.commit()
    client = client_in(app, nomination.applicant, "en")
    url = f"/nominations/{nomination.id}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(f"/nominations/{nomination.id}/documents", content_type="multipart/form-data", data={
        "csrf_token": CSRF_PATTERN.search(page).group(1), "checklist_item_id": str(item.id),
        "criterion_id": str(criterion.id), "file": (io.BytesIO(PDF + bytes(300 * KB)), "minh-chung.pdf")})
    page = text_of(response)
    assert response.status_code == 200 and "is larger than 0.2 MB, the most per file" in field_block(page, "file")
    assert f'<option selected value="{item.id}">' in field_block(page, "checklist_item_id")
    assert f'<option selected value="{criterion.id}">' in field_block(page, "criterion_id")


@pytest.mark.parametrize(("code", "kind", "asked"), [
    (ProgrammeCode.ECO_SCHOOL, "school", True), (ProgrammeCode.YOUTH, "youth_nominator", False),
    (ProgrammeCode.CITY, "province_committee", False)])
def test_the_criterion_is_asked_only_where_evidence_goes_by_criterion(app, code, kind, asked):
    round_ = open_round(code)
    owner = applicant(kind)
    nomination = draft(round_, owner)
    page = client_in(app, owner, "en").get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert ('name="criterion_id"' in page) == asked and ("Criterion (for evidence)" in page) == asked


def test_the_request_keeps_a_file_over_the_limit_no_further_than_one_byte_past_it(app):
    app.config["UPLOAD_MAX_FILE_MB"] = 0.1
    limit = int(0.1 * MB)
    with app.test_request_context("/", method="POST", content_type="multipart/form-data",
                                  data={"after": "kept", "file": (io.BytesIO(bytes(300 * KB)), "lon.pdf")}):
        from flask import request

        stream = request.files["file"].stream
        assert stream.received == 300 * KB and len(stream.read()) == limit + 1  # enough to refuse it, no more
        assert request.form["after"] == "kept"  # the form around it is read whole


def test_a_too_large_request_to_another_applicants_dossier_shows_nothing_of_it(app):
    app.config.update(MAX_CONTENT_LENGTH=200 * KB)
    round_ = open_round()
    nomination = draft(round_, applicant("school"), ECO_SCHOOL)
    client = client_in(app, applicant("school"), "en")
    page = client.get("/").get_data(as_text=True)
    response = client.post(f"/nominations/{nomination.id}/documents", content_type="multipart/form-data", data={
        "csrf_token": CSRF_PATTERN.search(page).group(1), "file": (io.BytesIO(bytes(300 * KB)), "lon.pdf")})
    assert response.status_code == 413 and "Trường THCS Nguyễn Trãi" not in text_of(response)
