import hashlib
import io
import json
import zipfile

import pytest

from award_app.storage import current_storage
from tests.fixtures_dossiers import complete_school_dossier, open_round, school_applicant
from tests.helpers import login


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_an_applicant_downloads_their_own_data_and_files(app, client, storage_backend):
    round_ = open_round()
    applicant = school_applicant()
    complete_school_dossier(round_, applicant)
    login(client, applicant.email, "mat-khau-truong")
    response = client.get("/my-data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("du-lieu.json"))
    assert data["account"]["email"] == applicant.email and data["account"]["consent_at"]
    assert data["nominations"][0]["details"]["school_name"] == "Trường THCS Nguyễn Trãi"
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == 6
    sent = {d["sha256"] for d in data["nominations"][0]["documents"]}
    assert {hashlib.sha256(archive.read(name)).hexdigest() for name in pdfs} == sent


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
    login(client, applicant.email, "mat-khau-truong")
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
    login(client, applicant.email, "mat-khau-truong")
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
