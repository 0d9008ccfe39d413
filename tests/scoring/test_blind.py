"""S3: in a blind round no juror page or download shows the nominee's identity."""

import io
import re
import zipfile

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.jury import services as jury
from award_app.nominations import services as nominations
from award_app.nominations.models import Document, DocumentKind
from award_app.rounds.models import ProgrammeCode, RoundState
from award_app.rounds.services import advance_round
from award_app.storage import content_key, current_storage
from tests.fixtures_dossiers import open_round
from tests.helpers import login, submit
from tests.nominations.factories import PASSWORD, scoring_round
from tests.nominations.test_cleaning import everything_in, hostile_docx, hostile_pdf, names_in
from tests.sample_files import PDF, jpeg_with_artist


def _pdf_with_author(author: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Title": f"CV {author}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_a_blind_round_hides_the_nominee_on_every_juror_page_and_file(app, make_user, storage_backend):
    from award_app.accounts.models import ApplicantKind
    from award_app.accounts.services import create_staff_account, register_applicant
    from award_app.eligibility.models import ScreeningOutcome
    from award_app.eligibility.services import screen

    round_ = open_round(ProgrammeCode.YOUTH)
    round_.blind, round_.endorsement_required = True, False
    applicant = register_applicant(email="mai@example.vn", password="dua-hau-mua-he-ngot",
                                   full_name="Nguyễn Thị Mai Anh", applicant_kind=ApplicantKind.YOUNG_PERSON,
                                   organisation="CLB Sống xanh", phone="", province_id="ha-noi-34", locale=None,
                                   notice_version="t", email_confirmed=True)
    nomination = nominations.create_nomination(round_, applicant)
    details = {"nominee_name": "Nguyễn Thị Mai Anh", "date_of_birth": "2001-04-12", "citizenship": "VN",
               "nominee_email": "mai@example.vn", "province_id": "ha-noi-34", "fields_of_work": ["waste"],
               "years_active": 4, "achievements": "Thu gom rác nhựa ven sông.", "nominator_kind": "organisation",
               "nominator_name": "Thành đoàn Hà Nội", "nominator_contact": "doan@hanoi.vn",
               "referee_1_name": "Trần Văn Bảo", "referee_1_contact": "bao@vnu.vn",
               "referee_2_name": "Lê Thị Cúc", "referee_2_contact": "cuc@vnu.vn"}
    nominations.save_dossier(nomination, {}, details, version=None, actor=applicant)
    items = {i.code: i for i in round_.checklist}
    cv = nominations.add_document(nomination, items["cv"], None, io.BytesIO(_pdf_with_author("Nguyễn Thị Mai Anh")),
                                  "CV-Nguyen-Thi-Mai-Anh.pdf", actor=applicant)
    form = nominations.add_document(nomination, items["nomination_form"], None,
                                    io.BytesIO(_pdf_with_author("Nguyễn Thị Mai Anh")), "phieu-Mai-Anh.pdf",
                                    actor=applicant)
    photo = nominations.add_document(nomination, items["action_photos"], None,
                                     io.BytesIO(jpeg_with_artist("Nguyễn Thị Mai Anh")),
                                     "Mai-Anh-trong-cay.jpg", actor=applicant)
    nomination.reference, nomination.state = "YE-2026-0001", "submitted"
    secretariat = make_user("secretariat")
    advance_round(round_, RoundState.CLOSED)
    advance_round(round_, RoundState.SCREENING)
    screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    juror = create_staff_account(email="gk@vien.vn", password="ca-chep-vuot-vu-mon", full_name="Giám Khảo",
                                 organisation="Viện", roles=set())
    jury.add_member(round_, juror, is_chair=True, actor=secretariat)
    jury.assign(nomination, juror, actor=secretariat)
    advance_round(round_, RoundState.SCORING)
    db.session.commit()

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, juror.email, "ca-chep-vuot-vu-mon")
    pages = [client.get(f"/jury/round/{round_.id}/declaration").get_data(as_text=True)]
    submit(client, f"/jury/round/{round_.id}/declaration")
    entry = nomination.entries[0]
    confirm = client.get(f"/scoring/entries/{entry.id}").location
    pages.append(client.get(confirm).get_data(as_text=True))
    submit(client, confirm, {"has_conflict": "no", "kind": "other"})
    pages += [client.get(f"/scoring/entries/{entry.id}").get_data(as_text=True), client.get("/scoring/").get_data(
        as_text=True)]
    for page in pages:
        for secret in ("Mai Anh", "Thành đoàn Hà Nội", "Trần Văn Bảo", "Lê Thị Cúc", "mai@example.vn", "Mai-Anh",
                       "phieu", "trong-cay"):
            assert secret not in page, secret
    sheet = pages[2]
    assert sheet.count("withheld in a blind round") == 2  # the CV and the nomination form, named by their item
    assert "YE-2026-0001_action-photos_1.jpg" in sheet
    for identifying in (cv, form):  # identifying: withheld
        assert client.get(f"/scoring/entries/{entry.id}/documents/{identifying.id}").status_code == 404
    with client.get(f"/scoring/entries/{entry.id}/documents/{photo.id}") as response:
        body = response.data
        disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200 and disposition == "attachment; filename=YE-2026-0001_action-photos_1.jpg"
    assert b"Mai" not in body and b"Nguy" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif()
    assert db.session.scalars(select(type(nomination))).one().reference == "YE-2026-0001"


def _juror_of_a_blind_school_round(app):
    round_, (nomination,), secretariat, (juror,) = scoring_round(1)
    round_.blind = True
    db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, juror.email, PASSWORD)
    return nomination, secretariat, client


def _stored(nomination, code: str, body: bytes, name: str, criterion=None) -> Document:
    """A file as it lies in the store (put there before today's upload checks, or passing them)."""
    item = next(i for i in nomination.round.checklist if i.code == code)
    sha = current_storage().put_content(body)
    document = Document(nomination=nomination, checklist_item_id=item.id, criterion_id=criterion and criterion.id,
                        original_name=name, sha256=sha, kind=DocumentKind(name.rsplit(".", 1)[1]), size=len(body),
                        uploaded_by_id=nomination.applicant_id)
    db.session.add(document)
    db.session.commit()
    return document


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_blind_copies_of_pdf_and_word_files_keep_no_name(app, storage_backend):
    nomination, _secretariat, client = _juror_of_a_blind_school_round(app)
    criterion = nomination.round.rubrics[0].criteria[0]
    evidence = _stored(nomination, "evidence", hostile_pdf(), "Nguyen-Thi-Mai-Anh.pdf", criterion)
    report = _stored(nomination, "self_assessment", hostile_docx(), "Bao-cao-Mai-Anh.docx")
    entry = nomination.entries[0]
    registration_form = next(d for d in nomination.documents if d.checklist_item.code == "registration_form")
    assert client.get(f"/scoring/entries/{entry.id}/documents/{registration_form.id}").status_code == 404
    sheet = client.get(f"/scoring/entries/{entry.id}").get_data(as_text=True)
    assert "Registration form signed by the principal: withheld in a blind round" in sheet
    assert "Mai-Anh" not in sheet and f"{nomination.reference}_evidence-{criterion.code}_2.pdf" in sheet
    with client.get(f"/scoring/entries/{entry.id}/documents/{evidence.id}") as response:
        assert response.status_code == 200 and "Mai" not in response.headers["Content-Disposition"]
        assert names_in(everything_in(response.data)) == []
    with client.get(f"/scoring/entries/{entry.id}/documents/{report.id}") as response:
        assert response.headers["Content-Disposition"].endswith("_self-assessment_2.docx")
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            text = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert names_in(text) == []


def test_a_file_that_cannot_be_cleaned_is_withheld_and_the_secretariat_told(app):
    nomination, secretariat, client = _juror_of_a_blind_school_round(app)
    broken = _stored(nomination, "evidence", b"%PDF-1.7\n" + bytes(300), "Mai-Anh.pdf",
                     nomination.round.rubrics[0].criteria[0])
    entry = nomination.entries[0]
    response = client.get(f"/scoring/entries/{entry.id}/documents/{broken.id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "could not be cleaned" in page and "%PDF" not in page
    assert db.session.get(Document, broken.id).cannot_be_cleaned
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "document.cannot_be_cleaned")
                              ).all() == ["document.cannot_be_cleaned"]
    assert client.get(f"/scoring/entries/{entry.id}/documents/{broken.id}").status_code == 404  # withheld now
    assert "the file could not be cleaned" in client.get(f"/scoring/entries/{entry.id}").get_data(as_text=True)
    staff = app.test_client()
    staff.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(staff, secretariat.email, PASSWORD)
    assert "could not be cleaned" in staff.get(f"/nominations/{nomination.id}").get_data(as_text=True)


def test_a_juror_can_type_into_a_sheet_never_opened_before(app):
    from tests.nominations.factories import scoring_round

    _round, (nomination,), _secretariat, (juror,) = scoring_round(1)
    client = app.test_client()
    login(client, juror.email, "correct-horse-42")
    page = client.get(f"/scoring/entries/{nomination.entries[0].id}").get_data(as_text=True)
    inputs = re.findall(r'<input[^>]*name="scores-\d+-points"[^>]*>', page)
    assert inputs and not any("disabled" in tag for tag in inputs)
    assert "disabled" not in "".join(re.findall(r"<textarea[^>]*>", page))


def test_a_blind_download_whose_file_is_missing_is_a_404_not_a_500(app):
    nomination, _secretariat, client = _juror_of_a_blind_school_round(app)
    lost = _stored(nomination, "evidence", PDF + b"% lost", "lost.pdf", nomination.round.rubrics[0].criteria[0])
    current_storage().delete(content_key(lost.sha256))
    assert client.get(f"/scoring/entries/{nomination.entries[0].id}/documents/{lost.id}").status_code == 404
