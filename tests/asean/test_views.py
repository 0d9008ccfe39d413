"""The pages of the package to ASEAN, as the secretariat and the nominee use them, in both languages."""

import hashlib
import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from award_app.asean import services
from award_app.asean.models import AseanResult, AseanSupplement
from award_app.clock import today_in_vietnam
from award_app.extensions import db
from award_app.jobs.models import Job, JobState
from tests.asean.factories import approved_round, fill_english, requested
from tests.helpers import csrf_token, login
from tests.nominations.factories import JPEG, VERSION_PATTERN

VI = {"Accept-Language": "vi"}
EN = {"Accept-Language": "en"}


def _day(days: int) -> str:
    return (today_in_vietnam() + timedelta(days=days)).strftime("%d/%m/%Y")


def _settings(due: int, deadline: int, **more) -> dict:
    return {"deadline": _day(deadline), "supplement_due_on": _day(due),
            "organiser_en": "Ministry of Agriculture and Environment", "addressee": "ASEAN Secretariat",
            "signer_name": "Nguyễn Văn Tài", "signer_title": "Director General", "exclude_winners": "y", **more}


def test_the_secretariat_sets_the_call_asks_the_nominees_and_makes_the_package(app, client):
    round_, dossiers, secretariat = approved_round()
    login(client, secretariat)
    page = f"/asean/round/{round_.id}"
    assert "Đề cử ASEAN" in client.get(page, headers=VI).get_data(as_text=True)
    english = client.get(page, headers=EN).get_data(as_text=True)
    assert "ASEAN nominees" in english and "Trường THCS Nguyễn Trãi" in english
    assert "The supplement has not been requested yet." in english
    token = csrf_token(client, page)

    refused = client.post(f"{page}/settings", data={"csrf_token": token, **_settings(40, 30)}, headers=EN)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "The supplements must be due before ASEAN&#39;s deadline." in text
    assert _day(40) in text and "Director General" in text  # what was typed comes back
    assert client.post(f"{page}/settings", data={"csrf_token": token, **_settings(20, 40)}).status_code == 302
    assert client.post(f"{page}/request", data={"csrf_token": token}).status_code == 302
    supplement = db.session.scalars(select(AseanSupplement)).one()
    assert supplement.nomination_id == dossiers[0].id

    refused = client.post(f"{page}/package", data={"csrf_token": token}, headers=EN)
    assert refused.status_code == 302 and db.session.scalars(select(Job)).all() == []
    fill_english(supplement, dossiers[0].applicant)
    made = client.post(f"{page}/package", data={"csrf_token": token})
    job = db.session.scalars(select(Job).where(Job.kind == "asean_package")).one()
    assert made.location == f"/jobs/{job.id}" and job.state == JobState.DONE, job.error
    with client.get(f"/jobs/{job.id}/result") as download:
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    top = "VN_ASEAN-Eco-schools_2026"
    manifest = archive.read(f"{top}/MANIFEST-SHA256.txt").decode()
    for line in manifest.splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(archive.read(f"{top}/{path}")).hexdigest() == digest
    assert len(manifest.splitlines()) == len(archive.namelist()) - 1


def test_the_nominee_writes_the_english_and_a_stale_page_keeps_what_was_typed(app, client):
    round_, dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    login(client, dossiers[0].applicant)
    url = f"/asean/supplements/{supplement.id}"
    page = client.get(url, headers=VI).get_data(as_text=True)
    assert "Bổ sung hồ sơ gửi ASEAN" in page and "Nhà trường có kế hoạch bảo vệ môi trường hằng năm." in page
    version = VERSION_PATTERN.search(page).group(1)
    token = csrf_token(client, url)
    services.save_english(supplement, {"name": "Nguyen Trai School (secretariat)"}, version=None, actor=secretariat)
    db.session.commit()
    stale = client.post(url, data={"csrf_token": token, "version": version, "name": "Typed by the school",
                                   "assessment_policy": "An annual plan."}, headers=EN)
    text = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "Someone else saved this in the meantime" in text
    assert "Typed by the school" in text and "An annual plan." in text
    db.session.refresh(supplement)
    assert supplement.english == {"name": "Nguyen Trai School (secretariat)"}
    fresh = VERSION_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)
    saved = client.post(url, data={"csrf_token": token, "version": fresh, "name": "Nguyen Trai School",
                                   "assessment_policy": "An annual plan."})
    assert saved.status_code == 302
    db.session.refresh(supplement)
    assert supplement.english_by == {"name": "nominee", "assessment_policy": "nominee"}
    photos = next(r for r in supplement.call.requirements if r.code == "photos")
    client.post(f"{url}/documents", data={"csrf_token": token, "requirement_id": str(photos.id),
                                         "file": (io.BytesIO(JPEG), "anh.jpg")}, content_type="multipart/form-data")
    document = db.session.get(AseanSupplement, supplement.id).documents[0]
    with client.get(f"{url}/documents/{document.id}") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.data == JPEG
    with client.get(f"{url}/form.pdf") as form:
        assert form.mimetype == "application/pdf" and form.data.startswith(b"%PDF")
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert f'href="/asean/supplements/{supplement.id}"' in home


def test_the_secretariat_records_asean_s_result_with_the_form_kept_on_a_mistake(app, client):
    round_, dossiers, secretariat = approved_round()
    login(client, secretariat)
    entry = dossiers[0].entries[0]
    page = f"/asean/round/{round_.id}"
    token = csrf_token(client, page)
    prefix = f"r{entry.id}-"
    missing = client.post(f"/asean/entries/{entry.id}/result", headers=EN, data={
        "csrf_token": token, f"{prefix}outcome": "award", f"{prefix}meeting": "AMME", f"{prefix}reference": ""})
    assert missing.status_code == 200 and "AMME" in missing.get_data(as_text=True)
    assert db.session.scalars(select(AseanResult)).all() == []
    recorded = client.post(f"/asean/entries/{entry.id}/result", data={
        "csrf_token": token, f"{prefix}outcome": "award", f"{prefix}meeting": "AMME", f"{prefix}reference": "17/2027",
        f"{prefix}decided_on": _day(-1)})
    assert recorded.status_code == 302
    shown = client.get(page, headers=EN).get_data(as_text=True)
    result = db.session.scalars(select(AseanResult)).one()
    assert "ASEAN award" in shown and f'name="r{entry.id}-version" type="hidden" value="{result.version}"' in shown
