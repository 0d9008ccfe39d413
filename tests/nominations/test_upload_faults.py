"""R4: a crash in the middle of an upload leaves no half file and no row pointing at a missing file."""

import io
import uuid

import pytest
from sqlalchemy import func, select

from award_app.extensions import db
from award_app.nominations import files, services
from award_app.nominations.models import Document
from award_app.storage import LocalStorage
from tests.fixtures_dossiers import PDF, open_round, school_applicant
from tests.test_storage import s3_storage


class BrokenStream(io.RawIOBase):
    """Gives the first chunk of a PDF, then the connection drops."""

    def __init__(self):
        self.calls = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.calls += 1
        if self.calls == 1:
            return PDF + b"0" * 1000
        raise ConnectionResetError("the client went away")


def test_a_broken_upload_leaves_nothing_behind(app, tmp_path):
    root = tmp_path / "store"
    with pytest.raises(ConnectionResetError):
        files.store(BrokenStream(), LocalStorage(root), max_bytes=10_000_000, allowed={"pdf"})
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_a_broken_upload_leaves_nothing_in_a_bucket_nor_in_its_staging_folder(tmp_path, s3_server):
    staging = tmp_path / "staging"
    staging.mkdir()
    storage = s3_storage(s3_server, f"faults-{uuid.uuid4().hex}")
    storage.staging_directory = staging
    with pytest.raises(ConnectionResetError):
        files.store(BrokenStream(), storage, max_bytes=10_000_000, allowed={"pdf"})
    assert list(storage.list_keys()) == [] and list(staging.iterdir()) == []


def test_no_document_row_survives_a_failed_upload(app):
    round_ = open_round()
    applicant = school_applicant()
    nomination = services.create_nomination(round_, applicant)
    db.session.commit()
    item = next(i for i in round_.checklist if i.code == "registration_form")
    with pytest.raises(ConnectionResetError):
        services.add_document(nomination, item, None, BrokenStream(), "dang-ky.pdf", actor=applicant)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
