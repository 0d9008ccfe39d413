"""Issue 7: revocation, publication, exports from the frozen snapshot, documents, certificates."""

import hashlib
import io
import subprocess

import openpyxl
import pytest
from sqlalchemy import select, update

from award_app.approval import services
from award_app.approval.models import Decision
from award_app.audit.models import AuditEvent
from award_app.certificates.models import Certificate
from award_app.certificates.services import issue_for_round
from award_app.extensions import db
from award_app.jobs.models import Job, JobState
from award_app.nominations.models import NominationState
from award_app.rounds.models import RoundState
from award_app.storage import content_key, current_storage
from tests.helpers import login, submit
from tests.nominations.factories import PASSWORD, approve, council_round, staff
from tests.sample_files import PDF


def pdf_text(body: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


def approved_round(app):
    round_, dossiers, secretariat, council, run = council_round()
    approver = staff("approver")
    approve(round_, run, approver)
    certificates = issue_for_round(round_, actor=secretariat)
    db.session.commit()
    return round_, dossiers, secretariat, approver, certificates


def client_for(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user.email, PASSWORD)
    return client


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_each_issued_pdf_is_kept_and_its_hash_recorded(app, storage_backend):
    round_, _dossiers, secretariat, _approver, certificates = approved_round(app)
    certificate = certificates[0]
    assert certificate.sha256
    client = client_for(app, secretariat)
    body = client.get(f"/certificates/{certificate.id}.pdf").data
    assert hashlib.sha256(body).hexdigest() == certificate.sha256
    assert client.get(f"/certificates/{certificate.id}.pdf").data == body  # the same file every time
    assert current_storage().read(content_key(certificate.sha256)) == body


def test_a_revoked_award_shows_as_revoked_everywhere(app):
    round_, dossiers, secretariat, approver, certificates = approved_round(app)
    certificate = next(c for c in certificates if c.entry.nomination_id == dossiers[0].id)
    boss = client_for(app, approver)
    response = submit(boss, f"/approval/round/{round_.id}/revoke", {
        "entry_id": str(certificate.entry_id), "reason": "Hồ sơ khai không trung thực.",
        "decision_reference": "Quyết định 45/QĐ-BNNMT ngày 10/03/2027"}, form_url=f"/approval/round/{round_.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert dossiers[0].state == NominationState.REVOKED and round_.state == RoundState.APPROVED
    public = app.test_client()
    page = public.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "REVOKED" in page and "45/QĐ-BNNMT" in page
    body = client_for(app, secretariat).get(f"/certificates/{certificate.id}.pdf").data
    assert "ĐÃ THU HỒI" in pdf_text(body)
    sheet = openpyxl.load_workbook(io.BytesIO(client_for(app, secretariat).get(
        f"/exports/round/{round_.id}/results.xlsx").data))["Results"]
    revoked = [row for row in sheet.iter_rows(values_only=True) if row[2] == dossiers[0].reference][0]
    assert "45/QĐ-BNNMT" in revoked[-1]


def test_the_xlsx_has_every_sheet_and_the_ranking_pages_numbers(app):
    round_, dossiers, secretariat, _approver, _certificates = approved_round(app)
    client = client_for(app, secretariat)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/round/{round_.id}/results.xlsx").data))
    assert workbook.sheetnames == ["Results", "Criterion means", "Score matrix", "Conflicts", "Timeline"]
    page = client.get(f"/ranking/round/{round_.id}").get_data(as_text=True)
    for row in list(workbook["Results"].iter_rows(values_only=True))[1:]:
        assert f"{row[5]:.2f}" in page  # the same final score as the ranking page
    matrix = list(workbook["Score matrix"].iter_rows(values_only=True))
    assert len(matrix) > 1 and matrix[1][3] is not None
    assert any(row[1] == "round.approved" for row in workbook["Timeline"].iter_rows(values_only=True))


def test_juror_names_become_codes_when_the_round_says_so(app):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    round_.hide_juror_names_in_exports = True
    db.session.commit()
    client = client_for(app, secretariat)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/round/{round_.id}/results.xlsx").data))
    jurors = {row[0] for row in list(workbook["Score matrix"].iter_rows(values_only=True))[1:]}
    assert jurors and all(name.startswith("GK") for name in jurors)


def test_minutes_and_decision_are_administrative_documents(app):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    client = client_for(app, secretariat)
    decision = " ".join(pdf_text(client.get(f"/exports/round/{round_.id}/decision.pdf").data).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "QUYẾT ĐỊNH",
                     "123/QĐ-BNNMT", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Hà Nội, ngày 15 tháng 12 năm 2026"):
        assert expected in decision, expected
    minutes = pdf_text(client.get(f"/exports/round/{round_.id}/minutes.pdf").data)
    assert "BIÊN BẢN" in minutes and "CHỦ TỊCH HỘI ĐỒNG" in minutes


def test_a_draft_decision_prints_before_approval_without_a_number(app):
    round_, _dossiers, secretariat, _council, _run = council_round()
    text = " ".join(pdf_text(client_for(app, secretariat).get(f"/exports/round/{round_.id}/decision.pdf").data).split())
    assert "DỰ THẢO" in text and "123/QĐ" not in text


def test_published_results_are_public_and_show_no_juror_score(app):
    round_, dossiers, secretariat, approver, _certificates = approved_round(app)
    public = app.test_client()
    assert public.get(f"/approval/results/{round_.id}").status_code == 404  # not yet published
    submit(client_for(app, approver), f"/approval/round/{round_.id}/publish", form_url=f"/approval/round/{round_.id}")
    db.session.expire_all()
    assert round_.state == RoundState.PUBLISHED
    page = public.get(f"/approval/results/{round_.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert dossiers[0].display_name in page and "Giải Nhất" in page
    assert "22" not in page.split("<main")[1].split("</main>")[0] or "Điểm" not in page


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_the_certificates_zip_is_a_job_with_progress(app, storage_backend):
    round_, _dossiers, secretariat, _approver, certificates = approved_round(app)
    client = client_for(app, secretariat)
    response = submit(client, f"/certificates/round/{round_.id}/zip", form_url=f"/certificates/round/{round_.id}")
    assert response.status_code == 302 and "/jobs/" in response.location
    job = db.session.scalars(select(Job)).one()
    assert job.state == JobState.DONE and job.done == job.total == len(certificates)
    page = client.get(response.location).get_data(as_text=True)
    assert "Download" in page
    import zipfile

    with client.get(f"/jobs/{job.id}/result") as download:
        names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert hashlib.sha256(download.data).hexdigest() == job.result_sha256
    assert len(names) == len(certificates) and all(name.endswith(".pdf") for name in names)


def test_the_approver_returns_the_proposal_and_it_cannot_be_approved(app):
    round_, _dossiers, _secretariat, _council, run = council_round()
    approver = staff("approver")
    services.return_proposal(round_, "Cần họp lại về nhóm THCS.", actor=approver)
    db.session.commit()
    import pytest

    from award_app.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.approve(round_, run, number="1/QĐ", signed_on=round_.created_at.date(), signer_name="A",
                         signer_title="B", actor=approver)


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_the_signed_scan_is_kept_with_the_approval(app, storage_backend):
    round_, _dossiers, secretariat, approver, _certificates = approved_round(app)
    scan = PDF
    client = client_for(app, approver)
    submit(client, f"/approval/round/{round_.id}/scan", {"scan": (io.BytesIO(scan), "QD-123-da-ky.pdf")},
           form_url=f"/approval/round/{round_.id}", content_type="multipart/form-data")
    with client_for(app, secretariat).get(f"/approval/round/{round_.id}/scan.pdf") as response:
        assert response.data == scan and response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.scalars(select(Certificate)).first() is not None
    assert current_storage().exists(content_key(hashlib.sha256(scan).hexdigest()))


def test_the_signed_scan_is_uploaded_once_and_never_replaced(app):
    round_, _dossiers, secretariat, approver, _certificates = approved_round(app)
    first, second = PDF, PDF + b"\n% another paper\n"
    page = f"/approval/round/{round_.id}"
    client = client_for(app, approver)
    submit(client, f"{page}/scan", {"scan": (io.BytesIO(first), '../../evil"\r\nX-Inj: 1.html')}, form_url=page,
           content_type="multipart/form-data")
    assert "cannot be replaced" in client.get(page).get_data(as_text=True)
    for user in (approver, secretariat):
        other = client_for(app, user)
        response = submit(other, f"{page}/scan", {"scan": (io.BytesIO(second), "khac.pdf")}, form_url=page,
                          content_type="multipart/form-data")
        assert response.status_code in (302, 303)
        assert "already kept with the approval and cannot be replaced" in other.get(response.location).get_data(
            as_text=True)
    with client.get(f"{page}/scan.pdf") as response:
        assert response.data == first
        # The download is named by the server, never after the uploader's file.
        assert response.headers["Content-Disposition"].endswith(
            f'filename=quyet-dinh-da-ky-{round_.programme.ref_prefix.lower()}-{round_.year}-{round_.edition}.pdf')
    assert not current_storage().exists(content_key(hashlib.sha256(second).hexdigest()))
    uploads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "decision.scan_uploaded")).all()
    assert len(uploads) == 1


def test_of_two_scans_uploaded_at_the_same_moment_only_one_is_kept(app):
    from award_app.errors import InvalidTransition

    round_, _dossiers, _secretariat, approver, _certificates = approved_round(app)
    decision = db.session.scalar(select(Decision).where(Decision.round_id == round_.id))
    db.session.execute(update(Decision).where(Decision.id == decision.id)
                       .values(scan_sha256="a" * 64, scan_name="first.pdf")
                       .execution_options(synchronize_session=False))  # another request, unseen by this one
    assert decision.scan_sha256 is None  # this request still holds the decision as it read it
    with pytest.raises(InvalidTransition):
        services.attach_scan(decision, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "second.pdf", actor=approver)
    db.session.refresh(decision)
    assert decision.scan_name == "first.pdf"
