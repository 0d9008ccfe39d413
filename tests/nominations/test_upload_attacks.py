"""S7: an attack corpus through the upload page: each file refused with a clear message, or stored
neutralised (a server-made name, served only as an attachment with nosniff)."""

import hashlib
import io
import re
import zipfile

import pikepdf
import pytest
from sqlalchemy import select

from award_app.extensions import db
from award_app.nominations import cleaning, files
from award_app.nominations.models import Document
from award_app.storage import current_storage
from tests.fixtures_dossiers import PDF, open_round, school_applicant
from tests.helpers import login, submit
from tests.sample_files import JPEG, PNG, png_header_only

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))  # > 20 × the 1 MB limit set below
    return out.getvalue()


REFUSED = [
    ("ho-so.pdf", HTML, "whatever its name says"),
    ("x.pdf.html", HTML, "whatever its name says"),
    ("polyglot.pdf", b"GIF89a" + HTML + PDF, "whatever its name says"),
    ("empty.pdf", b"", "empty"),
    ("bomb.docx", None, "too large once unpacked"),
]


@pytest.fixture
def page(app, client):
    round_ = open_round()
    applicant = school_applicant()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    item = next(i for i in round_.checklist if i.code == "self_assessment")  # accepts PDF and DOCX
    return client, item


def _upload(client, item, name, body, criterion_id: str = ""):
    return submit(client, "/nominations/1/documents", {"checklist_item_id": str(item.id), "criterion_id": criterion_id,
                                                       "file": (io.BytesIO(body), name)},
                  form_url="/nominations/1/edit", content_type="multipart/form-data", follow_redirects=True,
                  headers={"Accept-Language": "en"})


@pytest.mark.parametrize(("name", "body", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_dangerous_or_broken_files_are_refused_with_a_message(page, app, name, body, message):
    client, item = page
    app.config["UPLOAD_MAX_FILE_MB"] = 1
    response = _upload(client, item, name, _zip_bomb() if body is None else body)
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_names_with_nul_bytes_and_paths_are_neutralised(page, app):
    client, item = page
    _upload(client, item, "../../etc/pass\x00wd.pdf", PDF)
    document = db.session.scalars(select(Document)).one()
    assert document.original_name == "passwd.pdf"  # for display only; stored under its SHA-256
    with client.get(f"/nominations/1/documents/{document.id}") as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_a_pdf_with_javascript_is_stored_neutralised_and_never_served_as_sent(page):
    client, item = page
    pdf_with_js = PDF.replace(b"<< /Pages 2 0 R /Type /Catalog >>",
                              b"<< /Pages 2 0 R /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> "
                              b"/AA << /WC << /S /Launch /F (cmd.exe) >> >> >>")
    _upload(client, item, "script.pdf", pdf_with_js)
    document = db.session.scalars(select(Document)).one()
    with client.get(f"/nominations/1/documents/{document.id}") as response:
        assert re.match(r"attachment;", response.headers["Content-Disposition"])
        assert response.mimetype == "application/pdf" and response.headers["X-Content-Type-Options"] == "nosniff"
        body = response.data
    assert b"/JavaScript" not in body and b"/JS" not in body and b"/Launch" not in body and b"cmd.exe" not in body
    assert body.startswith(b"%PDF-") and document.sha256 == hashlib.sha256(body).hexdigest()


def test_the_download_name_comes_from_the_server_never_from_the_upload(page):
    client, item = page
    _upload(client, item, "x.pdf.html", PDF)
    document = db.session.scalars(select(Document)).one()
    with client.get(f"/nominations/1/documents/{document.id}") as response:
        assert response.headers["Content-Disposition"] == "attachment; filename=draft-1_self-assessment_1.pdf"
        assert response.mimetype == "application/pdf"


def _photo_item(page):
    client, item = page
    evidence = next(i for i in item.round.checklist if i.code == "evidence")  # accepts photos, per criterion
    return client, evidence, str(item.round.rubrics[0].criteria[0].id)


PHOTOS_REFUSED = [
    ("42 bytes of HTML behind JPEG magic bytes", "photo.jpg",
     b"\xff\xd8\xff<html><script>alert(1)</script></html>\n", "whatever its name says"),
    ("a truncated PNG", "photo.png", PNG[:30], "whatever its name says"),
    ("a decompression bomb", "bomb.png", png_header_only(9000, 9000), "too many pixels"),
    ("a PDF behind a password", "locked.pdf", None, "protected by a password"),
]


def _locked_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="mat-khau", owner="mat-khau"))
    return out.getvalue()


@pytest.mark.parametrize(("case", "name", "body", "message"), PHOTOS_REFUSED, ids=[r[0] for r in PHOTOS_REFUSED])
def test_a_file_that_does_not_parse_whole_is_refused_with_a_message(page, case, name, body, message):
    client, evidence, criterion_id = _photo_item(page)
    response = _upload(client, evidence, name, _locked_pdf() if body is None else body, criterion_id)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_a_whole_photo_is_accepted(page):
    client, evidence, criterion_id = _photo_item(page)
    _upload(client, evidence, "anh.jpg", JPEG, criterion_id)
    assert db.session.scalars(select(Document)).one().kind.value == "jpeg"


def test_an_oversize_file_gets_a_message_not_a_crash(page, app):
    client, item = page
    app.config["UPLOAD_MAX_FILE_MB"] = 0.2  # a small body: Werkzeug's test client leaves a large one's file open
    response = _upload(client, item, "big.pdf", PDF + b"0" * (300 * 1024))
    assert response.status_code == 200 and "is larger than 0.2 MB, the most per file" in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_pdfs_kept_before_neutralisation_are_neutralised_by_the_upgrade_command(page, runner):
    client, item = page
    _upload(client, item, "plain.pdf", PDF)
    document = db.session.scalars(select(Document)).one()
    old_script = PDF.replace(b"<< /Pages 2 0 R /Type /Catalog >>",
                             b"<< /Pages 2 0 R /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    document.sha256, document.size = current_storage().put_content(old_script), len(old_script)  # as kept before
    db.session.commit()
    result = runner.invoke(args=["nominations", "neutralise-pdfs"])
    assert result.exit_code == 0 and "1 PDF(s) neutralised." in result.output
    with client.get(f"/nominations/1/documents/{document.id}") as response:
        assert b"/JavaScript" not in response.data and b"/OpenAction" not in response.data
    assert runner.invoke(args=["nominations", "neutralise-pdfs"]).output.startswith("0 PDF(s)")


def test_a_pdf_longer_than_jurors_receive_is_refused_in_a_blind_round(page, monkeypatch):
    client, item = page
    item.round.blind = True
    db.session.commit()
    monkeypatch.setattr(cleaning, "MAX_BLIND_PDF_PAGES", 2)
    three_pages = pikepdf.new()
    for _ in range(3):
        three_pages.add_blank_page(page_size=(36, 36))
    body = io.BytesIO()
    three_pages.save(body)
    response = _upload(client, item, "dai.pdf", body.getvalue())
    assert "This PDF has more than 2 pages" in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []
    _upload(client, item, "ngan.pdf", PDF)  # within the bound: kept, and its blind copy made at once
    document = db.session.scalars(select(Document)).one()
    assert not document.cannot_be_cleaned and current_storage().exists(files.blind_copy_key(document.sha256))


def test_a_strict_word_document_is_refused_in_a_blind_round_and_kept_elsewhere(page):
    client, item = page
    item.round.blind = True
    db.session.commit()
    response = _upload(client, item, "bao-cao.docx", _with_strict_document())
    assert "saved as Strict Open XML" in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []
    item.round.blind = False
    db.session.commit()
    _upload(client, item, "bao-cao.docx", _with_strict_document())
    assert db.session.scalars(select(Document)).one().kind.value == "docx"


def _with_strict_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                'content-types"/>')
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/'
                                              'main"><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p></w:body>'
                                              '</w:document>')
    return out.getvalue()
