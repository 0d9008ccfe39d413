"""S7: an attack corpus through the upload page: each file refused with a clear message, or stored
neutralised (a server-made name, served only as an attachment with nosniff)."""

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from award_app.extensions import db
from award_app.nominations.models import Document
from tests.fixtures_dossiers import PDF, open_round, school_applicant
from tests.helpers import login, submit

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
    login(client, applicant.email, "mat-khau-truong")
    submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    item = next(i for i in round_.checklist if i.code == "self_assessment")  # accepts PDF and DOCX
    return client, item


def _upload(client, item, name, body):
    return submit(client, "/nominations/1/documents", {"checklist_item_id": str(item.id), "criterion_id": "",
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


def test_a_pdf_with_javascript_is_never_shown_inline(page):
    client, item = page
    pdf_with_js = PDF.replace(b"<< /Type /Catalog >>",
                              b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    _upload(client, item, "script.pdf", pdf_with_js)
    document = db.session.scalars(select(Document)).one()
    with client.get(f"/nominations/1/documents/{document.id}") as response:
        assert re.match(r"attachment;", response.headers["Content-Disposition"])
        assert response.mimetype == "application/pdf" and response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_oversize_file_gets_a_message_not_a_crash(page, app):
    client, item = page
    app.config["UPLOAD_MAX_FILE_MB"] = 1
    response = _upload(client, item, "big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert "too large" in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []
