"""The approved results as downloads: XLSX and CSV, for staff only, once a decision exists."""

import csv
import io

import openpyxl

from tests.helpers import login
from tests.nominations.factories import approve, council_round, staff

NAMES = ("Trường THCS Nguyễn Trãi", "Trường THCS Lê Văn Tám")


def client_for(app, user):
    client = app.test_client()
    client.set_cookie("lang", "vi")
    login(client, user)
    return client


def approved_round():
    round_, dossiers, secretariat, _, run = council_round(names=NAMES)
    approve(round_, run, staff("approver"))
    return round_, dossiers, secretariat


def test_the_results_download_as_csv_with_a_bom_and_vietnamese_text(app):
    round_, (first, second), secretariat = approved_round()
    response = client_for(app, secretariat).get(f"/exports/round/{round_.id}/results.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="ket-qua-es-2026-1.csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    by_reference = {row[2]: row for row in rows[1:]}
    assert by_reference[first.reference][3] == "Trường THCS Nguyễn Trãi"
    assert by_reference[first.reference][4] == "Hà Nội" and by_reference[first.reference][7] == "Giải Nhất"
    assert by_reference[second.reference][0] == "Trung học cơ sở"


def test_the_results_download_as_an_xlsx_that_opens(app):
    round_, (first, second), _ = approved_round()
    response = client_for(app, staff("auditor")).get(f"/exports/round/{round_.id}/results.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 2
    by_reference = {row[2]: row for row in rows[1:]}
    assert by_reference[first.reference][1] == 1 and by_reference[first.reference][5] == 90.0
    assert by_reference[second.reference][3] == "Trường THCS Lê Văn Tám"


def test_there_is_nothing_to_download_before_approval_or_for_an_applicant(app):
    round_, (first, _), secretariat, _, run = council_round()
    client = client_for(app, secretariat)
    assert client.get(f"/exports/round/{round_.id}/results.csv").status_code == 404
    approve(round_, run, staff("approver"))
    assert client_for(app, first.applicant).get(f"/exports/round/{round_.id}/results.xlsx").status_code == 404
    assert client.get(f"/exports/round/{round_.id}/results.xlsx").status_code == 200


def test_a_large_export_is_prepared_as_a_job_in_the_language_of_who_asked(app):
    from tests.helpers import submit

    round_, (first, _second), secretariat = approved_round()
    secretariat.locale = "en"
    client = client_for(app, secretariat)
    response = submit(client, f"/exports/round/{round_.id}/results.xlsx/job", form_url=f"/ranking/round/{round_.id}")
    assert response.status_code == 302 and "/jobs/" in response.location
    assert "Results of the round (XLSX)" in client.get(response.location).get_data(as_text=True)
    with client.get(response.location + "/result") as download:
        assert download.headers["Content-Disposition"].endswith("filename=ket-qua-es-2026-1.xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(download.data))
    assert workbook.sheetnames[0] == "Results"
    assert first.reference in [row[2] for row in workbook["Results"].iter_rows(values_only=True)]
