"""S3: in a blind round no juror page or download shows the nominee's identity."""

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from award_app.extensions import db
from award_app.jury import services as jury
from award_app.nominations import services as nominations
from award_app.rounds.models import ProgrammeCode, RoundState
from award_app.rounds.services import advance_round
from tests.fixtures_dossiers import open_round
from tests.helpers import login, submit


def _pdf_with_author(author: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Title": f"CV {author}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_a_blind_round_hides_the_nominee_on_every_juror_page_and_file(app, make_user, storage_backend):
    from award_app.accounts.models import ApplicantKind
    from award_app.accounts.services import create_staff_account, register_applicant
    from award_app.eligibility.models import ScreeningOutcome
    from award_app.eligibility.services import screen

    round_ = open_round(ProgrammeCode.YOUTH)
    round_.blind, round_.endorsement_required = True, False
    applicant = register_applicant(email="mai@example.vn", password="mat-khau-mai", full_name="Nguyễn Thị Mai Anh",
                                   applicant_kind=ApplicantKind.YOUNG_PERSON, organisation="CLB Sống xanh", phone="",
                                   province_id="ha-noi-34", locale=None, notice_version="t")
    nomination = nominations.create_nomination(round_, applicant)
    details = {"nominee_name": "Nguyễn Thị Mai Anh", "date_of_birth": "2001-04-12", "citizenship": "VN",
               "nominee_email": "mai@example.vn", "province_id": "ha-noi-34", "fields_of_work": ["waste"],
               "years_active": 4, "achievements": "Thu gom rác nhựa ven sông.", "nominator_kind": "organisation",
               "nominator_name": "Thành đoàn Hà Nội", "nominator_contact": "doan@hanoi.vn",
               "referee_1_name": "Trần Văn Bảo", "referee_1_contact": "bao@vnu.vn",
               "referee_2_name": "Lê Thị Cúc", "referee_2_contact": "cuc@vnu.vn"}
    nominations.save_dossier(nomination, {}, details, version=None, actor=applicant)
    items = {i.code: i for i in round_.checklist}
    cv = nominations.add_document(nomination, items["cv"], None, io.BytesIO(_pdf_with_author("Nguyễn Thị Mai Anh")),
                                  "CV-Nguyen-Thi-Mai-Anh.pdf", actor=applicant)
    form = nominations.add_document(nomination, items["nomination_form"], None,
                                    io.BytesIO(_pdf_with_author("Nguyễn Thị Mai Anh")), "phieu-Mai-Anh.pdf",
                                    actor=applicant)
    nomination.reference, nomination.state = "YE-2026-0001", "submitted"
    secretariat = make_user("secretariat")
    advance_round(round_, RoundState.CLOSED)
    advance_round(round_, RoundState.SCREENING)
    screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    juror = create_staff_account(email="gk@vien.vn", password="mat-khau-giam-khao", full_name="Giám Khảo",
                                 organisation="Viện", roles=set())
    jury.add_member(round_, juror, is_chair=True, actor=secretariat)
    jury.assign(nomination, juror, actor=secretariat)
    advance_round(round_, RoundState.SCORING)
    db.session.commit()

    client = app.test_client()
    login(client, juror.email, "mat-khau-giam-khao")
    pages = [client.get(f"/jury/round/{round_.id}/declaration").get_data(as_text=True)]
    submit(client, f"/jury/round/{round_.id}/declaration")
    entry = nomination.entries[0]
    confirm = client.get(f"/scoring/entries/{entry.id}").location
    pages.append(client.get(confirm).get_data(as_text=True))
    submit(client, confirm, {"has_conflict": "no", "kind": "other"})
    pages += [client.get(f"/scoring/entries/{entry.id}").get_data(as_text=True), client.get("/scoring/").get_data(
        as_text=True)]
    for page in pages:
        for secret in ("Mai Anh", "Thành đoàn Hà Nội", "Trần Văn Bảo", "Lê Thị Cúc", "mai@example.vn"):
            assert secret not in page, secret
    assert client.get(f"/scoring/entries/{entry.id}/documents/{cv.id}").status_code == 404  # identifying: withheld
    with client.get(f"/scoring/entries/{entry.id}/documents/{form.id}") as response:
        body = response.data
        disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200 and "Mai" not in disposition
    assert PdfReader(io.BytesIO(body)).metadata is None and b"Nguy" not in body
    assert re.search(rb"/Author", body) is None
    assert db.session.scalars(select(type(nomination))).one().reference == "YE-2026-0001"


def test_a_juror_can_type_into_a_sheet_never_opened_before(app):
    from tests.nominations.factories import scoring_round

    _round, (nomination,), _secretariat, (juror,) = scoring_round(1)
    client = app.test_client()
    login(client, juror.email, "correct-horse-42")
    page = client.get(f"/scoring/entries/{nomination.entries[0].id}").get_data(as_text=True)
    inputs = re.findall(r'<input[^>]*name="scores-\d+-points"[^>]*>', page)
    assert inputs and not any("disabled" in tag for tag in inputs)
    assert "disabled" not in "".join(re.findall(r"<textarea[^>]*>", page))
