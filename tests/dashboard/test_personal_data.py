import io
import json
import zipfile

from tests.fixtures_dossiers import complete_school_dossier, open_round, school_applicant
from tests.helpers import login


def test_an_applicant_downloads_their_own_data_and_files(app, client):
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
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 6


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/my-data.zip").status_code == 302
