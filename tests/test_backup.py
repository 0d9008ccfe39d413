"""R6: a backup restored gives back the same rows and the same files, on SQLite and PostgreSQL."""

from pathlib import Path

from sqlalchemy import delete, func, select, text

from award_app.backup import file_hashes, make_backup, restore_backup, row_counts
from award_app.extensions import db
from award_app.nominations.models import Document
from award_app.rounds.models import CalendarDay
from tests.fixtures_dossiers import complete_school_dossier, open_round, school_applicant


def test_backup_and_restore_round_trip(app, tmp_path):
    round_ = open_round()
    complete_school_dossier(round_, school_applicant())
    before_rows, before_files = row_counts(), file_hashes(Path(app.config["UPLOAD_FOLDER"]))
    assert before_files and before_rows["document"] == 6
    archive = tmp_path / "backup.tar.gz"
    make_backup(archive)
    # Damage: remove rows and a file.
    db.session.execute(delete(CalendarDay))
    db.session.commit()
    for path in list(Path(app.config["UPLOAD_FOLDER"]).rglob("*"))[:3]:
        if path.is_file():
            path.unlink()
    assert row_counts() != before_rows
    restore_backup(archive)
    db.session.remove()
    assert row_counts() == before_rows
    assert file_hashes(Path(app.config["UPLOAD_FOLDER"])) == before_files
    assert db.session.scalar(select(func.count()).select_from(Document)) == 6
    assert db.session.execute(text("SELECT count(*) FROM calendar_day")).scalar() == before_rows["calendar_day"]
