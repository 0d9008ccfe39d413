"""What the nominee sent for ASEAN is their personal data too: in *My data*, and purged with the dossier's files."""

import io
import json
import tempfile
import zipfile
from datetime import date

from award_app.asean.models import AseanDocument
from award_app.dashboard.services import personal_data_zip, purge_expired
from award_app.extensions import db
from award_app.storage import current_storage
from tests.asean.factories import JPEG, complete_youth, requested, upload, youth_round


def test_my_data_holds_the_english_texts_and_the_files_sent_for_asean(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    complete_youth(supplement, dossiers[0].applicant)
    with tempfile.TemporaryFile() as target:
        personal_data_zip(dossiers[0].applicant, current_storage(), target, max_bytes=50 * 1024 * 1024)
        target.seek(0)
        archive = zipfile.ZipFile(io.BytesIO(target.read()))
    data = json.loads(archive.read("du-lieu.json"))
    (sent,) = data["asean_supplements"]
    assert sent["english"]["achievements"] == "In English: achievements"
    assert sorted(d["author"] for d in sent["documents"]) == ["", "Lê Thị Cúc", "Nguyễn Văn Bình"]
    for document in sent["documents"]:
        assert document["file"] in archive.namelist()


def test_the_files_sent_for_asean_are_purged_with_the_dossier_s(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    upload(supplement, "profile_photo", dossiers[0].applicant, body=JPEG, name="chan-dung.jpg")
    kept = supplement.documents[0].sha256
    later = date(round_.closes_at.year + round_.retention_years, 12, 31)
    counts = purge_expired(later, current_storage())
    db.session.commit()
    assert counts["nominations"] == 1
    assert db.session.query(AseanDocument).count() == 0
    assert not current_storage().exists(f"{kept[:2]}/{kept}")
    db.session.refresh(supplement)
    assert supplement.english == {} and supplement.documents == []
