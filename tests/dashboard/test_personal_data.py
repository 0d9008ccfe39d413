import hashlib
import io
import json
import os
import tempfile
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from award_app.storage import current_storage
from tests.fixtures_dossiers import complete_school_dossier, open_round, school_applicant
from tests.helpers import login


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_an_applicant_downloads_their_own_data_and_files(app, client, storage_backend):
    round_ = open_round()
    applicant = school_applicant()
    complete_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    with client.get("/my-data.zip") as response:  # the archive is a file, closed with the response
        assert response.status_code == 200 and response.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("du-lieu.json"))
    assert data["account"]["email"] == applicant.email and data["account"]["consent_at"]
    assert data["nominations"][0]["details"]["school_name"] == "Trường THCS Nguyễn Trãi"
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    documents = data["nominations"][0]["documents"]
    sent = {d["sha256"] for d in documents}
    assert len(documents) == 6 and len(pdfs) == len(sent)  # a file sent twice is packed once
    assert {hashlib.sha256(archive.read(name)).hexdigest() for name in pdfs} == sent
    assert all(hashlib.sha256(archive.read(d["file"])).hexdigest() == d["sha256"] for d in documents)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/my-data.zip").status_code == 302


def test_an_account_without_submitted_dossiers_is_deleted_on_request(app, client):
    from sqlalchemy import select

    from award_app.accounts.models import User
    from award_app.extensions import db
    from award_app.nominations import services
    from tests.helpers import submit

    round_ = open_round()
    applicant = school_applicant()
    services.create_nomination(round_, applicant)
    db.session.commit()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    assert submit(client, "/my-account/delete", form_url="/my-account/delete").status_code == 302
    user = db.session.scalars(select(User)).one()
    assert user.email.startswith("deleted-") and not user.is_active_account and user.full_name == "—"


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_submitted_dossiers_are_kept_until_the_retention_period_then_purged(app, client, storage_backend):
    from datetime import date

    from award_app.dashboard.services import purge_expired
    from award_app.extensions import db
    from award_app.nominations import services
    from tests.helpers import submit

    round_ = open_round()
    applicant = school_applicant()
    nomination = complete_school_dossier(round_, applicant)
    services.submit(nomination, form_errors=[], actor=applicant)
    db.session.commit()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    submit(client, "/my-account/delete", form_url="/my-account/delete")
    db.session.expire_all()
    assert applicant.is_active_account  # kept: the law requires it
    storage = current_storage()
    assert list(storage.list_keys())
    assert purge_expired(date.today(), storage)["nominations"] == 0  # within the retention period
    later = date(round_.closes_at.year + round_.retention_years, 12, 31)
    counts = purge_expired(later, storage)
    db.session.commit()
    assert counts == {"rounds": 1, "nominations": 1, "documents": 6}
    db.session.expire_all()
    assert nomination.documents == [] and "principal_contact" not in nomination.details
    assert nomination.details["school_name"] == "Trường THCS Nguyễn Trãi"
    assert list(storage.list_keys()) == []


def attach_copies(nomination, body: bytes, copies: int) -> str:
    """The same file attached `copies` times to the dossier (as an applicant may, to several items)."""
    from award_app.extensions import db
    from award_app.nominations.models import Document, DocumentKind

    sha = current_storage().put_content(body)
    item_id = nomination.documents[0].checklist_item_id
    for number in range(copies):
        db.session.add(Document(nomination_id=nomination.id, checklist_item_id=item_id, sha256=sha, size=len(body),
                                original_name=f"ban-sao-{number}.pdf", kind=DocumentKind.PDF,
                                uploaded_by_id=nomination.applicant_id))
    db.session.commit()
    return sha


def signed_in_applicant(client):
    round_ = open_round()
    applicant = school_applicant()
    nomination = complete_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    return nomination


def test_a_file_attached_twenty_times_is_packed_once_and_listed_twenty_times(app, client):
    nomination = signed_in_applicant(client)
    big = b"%PDF-1.4\n" + os.urandom(2 * 1024 * 1024)
    sha = attach_copies(nomination, big, 20)
    with client.get("/my-data.zip") as response:
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    copies = [name for name in archive.namelist() if archive.read(name) == big]
    assert len(copies) == 1
    listed = [d for d in json.loads(archive.read("du-lieu.json"))["nominations"][0]["documents"] if d["sha256"] == sha]
    assert len(listed) == 20 and {d["file"] for d in listed} == set(copies)
    assert len(response.data) < 2 * len(big)


def test_the_archive_is_streamed_from_a_file_and_memory_does_not_grow_with_it(app, client):
    nomination = signed_in_applicant(client)
    for _ in range(4):  # 16 MB of files that do not compress
        attach_copies(nomination, b"%PDF-1.4\n" + os.urandom(4 * 1024 * 1024), 1)
    tracemalloc.start()
    try:
        response = client.get("/my-data.zip")  # the archive is made here; the body is read below
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with response:
        assert response.status_code == 200 and response.is_streamed  # read from the file as it is sent
        assert response.content_length == len(response.data) > 16 * 1024 * 1024
    assert peak < 8 * 1024 * 1024


def test_an_archive_over_the_limit_is_refused_with_a_message(app, client, monkeypatch):
    from award_app.audit.models import AuditEvent
    from award_app.extensions import db

    nomination = signed_in_applicant(client)
    attach_copies(nomination, b"%PDF-1.4\n" + os.urandom(1024 * 1024 + 1), 1)
    app.config["PERSONAL_DATA_MAX_MB"] = 1
    monkeypatch.setattr(type(current_storage()), "open", lambda *args: pytest.fail("refused before reading a file"))
    client.set_cookie("lang", "vi")
    response = client.get("/my-data.zip")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "vượt quá 1 MB" in page
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.data_downloaded")).all()


def test_a_stored_file_larger_than_recorded_still_stops_at_the_limit(app, client):
    from award_app.dashboard.services import ArchiveTooLarge, personal_data_zip

    nomination = signed_in_applicant(client)
    sha = attach_copies(nomination, b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024), 1)
    for document in nomination.documents:
        if document.sha256 == sha:
            document.size = 10  # what the database says; the file says otherwise
    with tempfile.TemporaryFile() as target, pytest.raises(ArchiveTooLarge):
        personal_data_zip(nomination.applicant, current_storage(), target, max_bytes=2 * 1024 * 1024)


def test_downloads_are_limited_per_user_so_the_audit_log_stays_bounded(app, client):
    from award_app.audit.models import AuditEvent
    from award_app.extensions import db

    app.config["PERSONAL_DATA_DOWNLOAD_LIMITS"] = "3/hour"
    applicant = school_applicant()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    answers = []
    for _ in range(6):
        with client.get("/my-data.zip") as response:
            answers.append(response.status_code)
    assert answers == [200, 200, 200, 303, 303, 303]
    downloads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.data_downloaded")).all()
    assert len(downloads) == 3
    home = client.get("/").get_data(as_text=True)
    assert "đã tải dữ liệu của mình nhiều lần" in home
