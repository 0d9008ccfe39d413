"""R6: a backup restored gives back the same rows and the same files, on SQLite and PostgreSQL, with the
files in a local folder or in an S3 bucket."""

import pytest
from sqlalchemy import delete, func, select, text

from award_app.backup import file_hashes, make_backup, restore_backup, row_counts
from award_app.extensions import db
from award_app.nominations.models import Document
from award_app.rounds.models import CalendarDay
from award_app.storage import S3Storage, current_storage
from tests.fixtures_dossiers import complete_school_dossier, open_round, school_applicant


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_backup_and_restore_round_trip(app, tmp_path, storage_backend):
    storage = current_storage()
    assert isinstance(storage, S3Storage) == (storage_backend == "s3")
    round_ = open_round()
    complete_school_dossier(round_, school_applicant())
    before_rows, before_files = row_counts(), file_hashes(storage)
    assert before_files and before_rows["document"] == 6
    assert {d.sha256 for d in db.session.scalars(select(Document))} <= {k.rsplit("/", 1)[-1] for k in before_files}
    archive = tmp_path / "backup.tar.gz"
    make_backup(archive)
    # Damage: remove rows and files, add a stray file.
    db.session.execute(delete(CalendarDay))
    db.session.commit()
    for key in list(storage.list_keys())[:3]:
        storage.delete(key)
    storage.put_bytes("ff/stray", b"not in the backup")
    assert row_counts() != before_rows and file_hashes(storage) != before_files
    restore_backup(archive)
    db.session.remove()
    assert row_counts() == before_rows
    assert file_hashes(storage) == before_files
    assert db.session.scalar(select(func.count()).select_from(Document)) == 6
    assert db.session.execute(text("SELECT count(*) FROM calendar_day")).scalar() == before_rows["calendar_day"]


def test_a_backup_made_from_a_folder_restores_into_a_bucket(app, tmp_path, s3_server):
    """Moving to shared storage: the archive does not depend on the store that made it."""
    complete_school_dossier(open_round(), school_applicant())
    before_rows, before_files = row_counts(), file_hashes(current_storage())
    archive = tmp_path / "backup.tar.gz"
    make_backup(archive)
    app.config.update(STORAGE_BACKEND="s3", S3_PREFIX=f"moved-{tmp_path.name}", **s3_server)
    assert isinstance(current_storage(), S3Storage) and list(current_storage().list_keys()) == []
    restore_backup(archive)
    db.session.remove()
    assert row_counts() == before_rows and file_hashes(current_storage()) == before_files
