"""The whole national round through pages and forms, as each user would do it (issue 3's seven steps)."""

import io
import re
import subprocess
from datetime import timedelta

import openpyxl
from sqlalchemy import select

from award_app.clock import utcnow
from award_app.extensions import db
from award_app.models import Nomination, NominationState, OutboxMessage, Programme, Round, RoundState
from award_app.rounds.models import ProgrammeCode
from award_app.rounds.services import advance_round, create_round
from tests.helpers import login, pass_second_factor, submit
from tests.sample_files import PDF


def open_eco_school_round() -> Round:
    round_ = create_round(db.session.get(Programme, ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    round_.opens_at = utcnow() - timedelta(days=10)
    round_.closes_at = utcnow() + timedelta(days=20)
    advance_round(round_, RoundState.OPEN)
    db.session.commit()
    return round_


def register_school(client, email: str, school: str) -> None:
    response = submit(client, "/accounts/register", {
        "full_name": "Đỗ Thị Thanh Hương", "email": email, "applicant_kind": "school", "organisation": school,
        "province_id": "ha-noi-34", "password": "cay-bang-truoc-cong-truong", "confirm": "cay-bang-truoc-cong-truong",
        "consent": "y"})
    assert response.status_code == 302
    login(client, email, "cay-bang-truoc-cong-truong")  # registering does not sign in (as for a taken address)
    welcome = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).one()
    confirm = re.search(r"http://[^/]+(/accounts/confirm/\S+)", welcome.body).group(1)
    assert submit(client, confirm).status_code == 302  # the address is confirmed before any dossier is submitted


def upload(client, nomination_id: int, item_id: int, criterion_id: int | None = None, name: str = "minh-chung.pdf"):
    data = {"checklist_item_id": str(item_id), "criterion_id": str(criterion_id or ""),
            "file": (io.BytesIO(PDF), name)}
    return submit(client, f"/nominations/{nomination_id}/documents", data,
                  form_url=f"/nominations/{nomination_id}/edit", content_type="multipart/form-data")


def file_eco_school_dossier(client, round_: Round, school: str, level: str) -> Nomination:
    assert submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/").status_code == 302
    nomination = db.session.scalars(select(Nomination).where(Nomination.display_name == "")
                                    .order_by(Nomination.id.desc())).first()
    url = f"/nominations/{nomination.id}/edit"
    fields = {"school_name": school, "level": level, "pupils": "812", "teachers": "46",
              "address": "Số 1 phố Nguyễn Trãi, Thanh Xuân", "province_id": "ha-noi-34",
              "principal_name": "Đỗ Thị Thanh Hương", "principal_contact": "0912 345 678"}
    fields |= {f"assessment_{c.code}": f"Nhà trường đã thực hiện tốt tiêu chí {c.name_vi.lower()}."
               for c in round_.rubrics[0].criteria}
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert submit(client, url, {**fields, "version": version, "action": "save"}).status_code == 302
    items = {i.code: i for i in round_.checklist}
    assert upload(client, nomination.id, items["registration_form"].id).status_code == 302
    assert upload(client, nomination.id, items["self_assessment"].id).status_code == 302
    for criterion in round_.rubrics[0].criteria:
        assert upload(client, nomination.id, items["evidence"].id, criterion.id).status_code == 302
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = submit(client, url, {**fields, "version": version, "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id)


def advance(client, round_: Round, state: str) -> None:
    assert submit(client, f"/rounds/{round_.id}/advance", {"to_state": state},
                  form_url=f"/rounds/{round_.id}").status_code == 302
    db.session.expire_all()
    assert round_.state == state


def test_a_national_round_from_nomination_to_certificate(app, make_user):
    round_ = open_eco_school_round()
    secretariat = make_user("secretariat", email="thuky@monre.gov.vn")
    approver = make_user("approver", email="lanhdao@monre.gov.vn")

    # 1. Schools register, fill their dossier, upload PDF evidence and submit before the deadline.
    school = app.test_client()
    register_school(school, "thcs.nguyentrai@truong.edu.vn", "Trường THCS Nguyễn Trãi")
    winner = file_eco_school_dossier(school, round_, "Trường THCS Nguyễn Trãi", "thcs")
    assert winner.state == NominationState.SUBMITTED and winner.reference == "ES-2026-0001"
    other = app.test_client()
    register_school(other, "thcs.levantam@truong.edu.vn", "Trường THCS Lê Văn Tám")
    runner_up = file_eco_school_dossier(other, round_, "Trường THCS Lê Văn Tám", "thcs")
    late = app.test_client()
    register_school(late, "thcs.chuvanan@truong.edu.vn", "Trường THCS Chu Văn An")
    rejected = file_eco_school_dossier(late, round_, "Trường THCS Chu Văn An", "thcs")

    # The province's education department confirms the dossiers with one signed official letter.
    endorser = make_user(email="sogd.hanoi@hanoi.edu.vn")
    from award_app.accounts.services import set_endorser_scopes

    set_endorser_scopes(endorser, {("ha-noi-34", "eco_school")})
    db.session.commit()
    department = app.test_client()
    login(department, endorser)
    page = department.get("/nominations/endorsement/").get_data(as_text=True)
    assert "ES-2026-0001" in page and "ES-2026-0003" in page
    response = submit(department, "/nominations/endorsement/confirm", {
        "nomination_ids": [str(winner.id), str(runner_up.id), str(rejected.id)], "number": "125/SGDĐT-KHTC",
        "letter": (io.BytesIO(PDF), "cong-van-125.pdf")}, form_url="/nominations/endorsement/",
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert {n.state for n in (winner, runner_up, rejected)} == {NominationState.ENDORSED}

    # 2. The secretariat closes the call, screens each dossier, with a reason the applicant reads.
    staff = app.test_client()
    login(staff, secretariat)
    advance(staff, round_, "closed")
    advance(staff, round_, "screening")
    queue = staff.get(f"/screening/round/{round_.id}").get_data(as_text=True)
    assert "ES-2026-0001" in queue and "Trường THCS Lê Văn Tám" in queue
    for nomination in (winner, runner_up):
        assert submit(staff, f"/screening/nominations/{nomination.id}", {"outcome": "eligible"}).status_code == 302
    reason = "Hồ sơ thiếu xác nhận của Sở Giáo dục và Đào tạo."
    assert submit(staff, f"/screening/nominations/{rejected.id}",
                  {"outcome": "ineligible", "reason": reason}).status_code == 302
    assert reason in late.get(f"/nominations/{rejected.id}").get_data(as_text=True)

    # 3. The secretariat invites the council. Each juror, a new account, chooses a first password through the
    # reset link (the invitation link signs nobody in), then, signed in, accepts the invitation.
    jurors = []
    for n, name in enumerate(("Đặng Thu Hà", "Hoàng Văn Nam", "Bùi Thị Lan"), start=1):
        email = f"giamkhao{n}@vien.vn"
        response = submit(staff, f"/jury/round/{round_.id}/council", {
            "email": email, "full_name": name, "organisation": "Viện Môi trường",
            "expertise": ["eco_school"], "is_chair": "y" if n == 1 else ""})
        assert response.status_code == 302
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email,
                                                              OutboxMessage.kind == "council_invitation")).one()
        link = re.search(r"/jury/invitations/\S+", mail.body).group(0)
        juror = app.test_client()
        assert juror.get(link).location.split("?")[0].endswith("/accounts/login")
        assert juror.get("/scoring/").status_code == 302  # nothing to see before accepting
        submit(juror, "/accounts/reset", {"email": email})
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email,
                                                              OutboxMessage.kind == "password_reset")).one()
        reset = re.search(r"/accounts/reset/\S+", mail.body).group(0)
        assert submit(juror, reset, {"password": "ca-chep-vuot-vu-mon", "confirm": "ca-chep-vuot-vu-mon"}).status_code \
            == 302
        pass_second_factor(juror, email)  # a juror's account sets up its second step before anything else
        fresh = re.search(r'/jury/invitations/[^"]+', juror.get("/").get_data(as_text=True)).group(0)
        response = submit(juror, fresh)
        assert response.status_code == 302 and "/declaration" in response.location
        jurors.append(juror)
    # …and the secretariat assigns three jurors to each eligible dossier, automatically.
    assignments_url = f"/jury/round/{round_.id}/assignments"
    response = submit(staff, f"{assignments_url}/auto", form_url=assignments_url, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    page = staff.get(assignments_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Every dossier has 3 jurors" in page
    advance(staff, round_, "scoring")

    # 4. Each juror declares conflicts, sees only their dossiers and submits a whole-number score per criterion.
    points = {winner.id: [(22, 24, 23, 21), (20, 22, 21, 20), (23, 23, 22, 22)],
              runner_up.id: [(18, 17, 19, 16), (15, 18, 17, 19), (20, 16, 18, 18)]}
    for index, juror in enumerate(jurors):
        entry_url = f"/scoring/entries/{winner.entries[0].id}"
        assert juror.get(entry_url).location.endswith(f"/jury/round/{round_.id}/declaration")
        assert submit(juror, f"/jury/round/{round_.id}/declaration").status_code == 302
        dashboard = juror.get("/scoring/").get_data(as_text=True)
        assert "Trường THCS Nguyễn Trãi" in dashboard and "Trường THCS Chu Văn An" not in dashboard
        assert juror.get(f"/nominations/{winner.id}").status_code == 404  # the applicant's page stays theirs
        for nomination in (winner, runner_up):
            entry_id = nomination.entries[0].id
            url = f"/scoring/entries/{entry_id}"
            confirm = juror.get(url)
            assert f"/jury/nominations/{nomination.id}/confirm" in confirm.location
            assert submit(juror, confirm.location, {"has_conflict": "no", "kind": "other"}).status_code == 302
            page = juror.get(url).get_data(as_text=True)
            version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
            criterion_ids = re.findall(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"', page)
            form = {"version": version, "action": "submit"}
            for (row, criterion_id), value in zip(criterion_ids, points[nomination.id][index], strict=True):
                form |= {f"scores-{row}-criterion_id": criterion_id, f"scores-{row}-points": str(value),
                         f"scores-{row}-comment": "Minh chứng rõ ràng, kế hoạch cụ thể."}
            response = submit(juror, url, form)
            assert response.status_code == 302, response.get_data(as_text=True)
        rejected_entry = rejected.entries[0].id
        assert juror.get(f"/scoring/entries/{rejected_entry}").status_code == 404

    # 5. The secretariat computes the ranking: the mean of the jurors' totals within each group.
    compute = submit(staff, f"/ranking/round/{round_.id}/compute", form_url=f"/ranking/round/{round_.id}")
    assert compute.status_code == 302
    ranking = staff.get(f"/ranking/round/{round_.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "87,67" in ranking  # (90 + 83 + 90) / 3
    assert "70,33" in ranking  # (70 + 69 + 72) / 3
    assert "Giải Nhất" in ranking
    advance(staff, round_, "council")
    # The chair records the council meeting that adopts the proposal.
    chair = jurors[0]
    members = re.findall(r'name="present" type="checkbox" value="(\d+)"',
                         chair.get(f"/ranking/round/{round_.id}/meeting").get_data(as_text=True))
    assert len(members) == 3
    response = submit(chair, f"/ranking/round/{round_.id}/meeting", {
        "held_on": "10/12/2026", "present": members[:1], "votes_for": "1", "votes_against": "0",
        "minutes": "Hội đồng họp và thống nhất đề xuất."}, headers={"Accept-Language": "en"})
    assert "No quorum" in response.get_data(as_text=True)  # 1 of 3 present
    response = submit(chair, f"/ranking/round/{round_.id}/meeting", {
        "held_on": "10/12/2026", "present": members, "votes_for": "3", "votes_against": "0",
        "minutes": "Hội đồng họp ngày 10/12/2026, 3/3 thành viên có mặt, thống nhất đề xuất."})
    assert response.status_code == 302

    # 6. The approver approves with a decision number and date; the round is frozen.
    boss = app.test_client()
    login(boss, approver)
    response = submit(boss, f"/approval/round/{round_.id}", {
        "number": "123/QĐ-BNNMT", "signed_on": "15/12/2026", "signer_name": "Lê Minh Đức",
        "signer_title": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"})
    assert response.status_code == 302
    db.session.expire_all()
    assert round_.state == RoundState.APPROVED and round_.is_frozen
    assert db.session.get(Nomination, winner.id).state == NominationState.AWARDED
    assert db.session.get(Nomination, runner_up.id).state == NominationState.AWARDED  # Nhì: 2 per group
    juror = jurors[0]
    refused = submit(juror, f"/scoring/entries/{winner.entries[0].id}", {"version": "1", "action": "save"},
                     form_url=f"/scoring/entries/{winner.entries[0].id}", headers={"Accept-Language": "en"})
    assert "The round is approved and frozen" in refused.get_data(as_text=True)  # refused, nothing changes
    assert submit(staff, f"/ranking/round/{round_.id}/compute", form_url=f"/ranking/round/{round_.id}"
                  ).status_code == 404

    # 7. The results download as XLSX, equal to the ranking page; each winner downloads a certificate.
    response = staff.get(f"/exports/round/{round_.id}/results.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_reference = {row[2]: row for row in rows[1:]}
    assert by_reference[winner.reference][1] == 1 and by_reference[winner.reference][5] == 87.67
    assert by_reference[runner_up.reference][5] == 70.33
    assert submit(staff, f"/certificates/round/{round_.id}/issue",
                  form_url=f"/certificates/round/{round_.id}").status_code == 302
    home = school.get("/").get_data(as_text=True)
    certificate_link = re.search(r'href="(/certificates/\d+\.pdf)"', home).group(1)
    response = school.get(certificate_link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert other.get(certificate_link).status_code == 404  # not their certificate
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    for expected in ("Trường THCS Nguyễn Trãi", "GIẤY CHỨNG NHẬN", "Giải Nhất", "123/QĐ-BNNMT",
                     "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"):
        assert expected in text
