"""The national round in a real browser, as its users do it: Vietnamese in full, English in short,
on a desktop window and on a phone."""

import re

import pytest
from sqlalchemy import select

from award_app.accounts.services import set_endorser_scopes
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from award_app.rounds.models import ProgrammeCode
from tests.browser.conftest import VIEWPORTS
from tests.browser.scenario import Scenario, pdf
from tests.nominations import factories as make

SCHOOL = {"school_name": "Trường THCS Nguyễn Trãi", "pupils": "812", "teachers": "46",
          "address": "Số 1 phố Nguyễn Trãi, Thanh Xuân", "principal_name": "Đỗ Thị Thanh Hương",
          "principal_contact": "0912 345 678"}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def scenario(request, chromium, live_server, viewport):
    def start(lang: str) -> Scenario:
        run = Scenario(chromium, live_server.url, lang, viewport)
        request.addfinalizer(run.close)
        return run
    return start


def people(endorsement: bool, edition: int = 1):
    """The staff of an eco-school round that is open for nominations; the round needs two jurors per dossier."""
    round_ = make.open_round(ProgrammeCode.ECO_SCHOOL, endorsement=endorsement, edition=edition)
    round_.jurors_per_nomination = 2
    db.session.commit()
    secretariat = make.staff("secretariat", full_name="Trần Thị Thu")
    approver = make.staff("approver", full_name="Lê Minh Đức")
    endorser = make.staff(full_name="Ngô Thị Phương")
    set_endorser_scopes(endorser, {("ha-noi-34", "eco_school")})
    db.session.commit()
    chair = make.juror(round_, secretariat, chair=True, full_name="Đặng Thu Hà")
    juror = make.juror(round_, secretariat, full_name="Hoàng Văn Nam")
    return round_, {"secretariat": secretariat.email, "approver": approver.email, "endorser": endorser.email,
                    "chair": chair.email, "juror": juror.email}


def register(run: Scenario, email: str):
    page = run.new_page()
    page.goto("/")
    page.click("header a[href='/accounts/register']")
    page.fill("input[name=full_name]", "Đỗ Thị Thanh Hương")
    page.fill("input[name=email]", email)
    page.select_option("select[name=applicant_kind]", "school")
    page.fill("input[name=organisation]", "Trường THCS Nguyễn Trãi")
    page.select_option("select[name=province_id]", "ha-noi-34")
    page.fill("input[name=password]", "cay-bang-truoc-cong-truong")
    page.fill("input[name=confirm]", "cay-bang-truoc-cong-truong")
    page.check("input[name=consent]")
    run.shot(page, "register", axe=True)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/accounts/login"))  # the same answer as for a taken address: then sign in
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "cay-bang-truoc-cong-truong")
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/$"))
    run.shot(page, "applicant-home", axe=True)
    confirm_address(run, page, email)
    return page


def confirm_address(run: Scenario, page, email: str) -> None:
    """Open the link of the welcome e-mail and press the button: the address is confirmed, submitting allowed."""
    db.session.commit()  # a fresh snapshot: the server wrote the e-mail
    welcome = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).one()
    page.goto(re.search(r"https?://[^/]+(/accounts/confirm/\S+)", welcome.body).group(1))
    run.shot(page, "confirm-email", axe=True)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/$"))


def file_dossier(run: Scenario, page, round_) -> str:
    """Start a dossier, fill it, upload each required document and submit; returns the reference."""
    page.goto("/nominations/")
    run.shot(page, "my-nominations", axe=True)
    page.click(f"form[action='/nominations/start/{round_.id}'] button")
    page.wait_for_url(re.compile(r"/nominations/\d+/edit"))
    for name, value in SCHOOL.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=level]", "thcs")
    page.select_option("select[name=province_id]", "ha-noi-34")
    for criterion in round_.rubrics[0].criteria:
        page.fill(f"[name=assessment_{criterion.code}]", f"Nhà trường thực hiện tốt: {criterion.name_vi.lower()}.")
    run.shot(page, "dossier-filled", axe=True)
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert page.locator("main [role=alert]").count(), "an incomplete dossier must say what is missing"
    run.shot(page, "dossier-cannot-submit-yet")
    items = {item.code: item for item in round_.checklist}
    uploads = [(items["registration_form"], None), (items["self_assessment"], None)]
    uploads += [(items["evidence"], criterion) for criterion in round_.rubrics[0].criteria]
    for n, (item, criterion) in enumerate(uploads):
        page.select_option("select[name=checklist_item_id]", str(item.id))
        page.select_option("select[name=criterion_id]", str(criterion.id) if criterion else "")
        page.set_input_files("input[name=file]", pdf(f"{item.code}-{n}.pdf"))
        page.click("button[name=action][value=upload]")
        page.wait_for_load_state()
        assert page.get_by_role("link", name=f"{item.code}-{n}.pdf").count() == 1
    run.shot(page, "dossier-with-documents", axe=True)
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert re.search(r"/nominations/\d+(#.*)?$", page.url), page.url
    reference = re.search(r"ES-\d{4}-\d{4}", page.content()).group(0)
    run.shot(page, "dossier-submitted", axe=True)
    return reference


def screen_eligible(run: Scenario, page, round_, reference: str) -> None:
    page.goto(f"/screening/round/{round_.id}")
    run.shot(page, "screening-queue", axe=True)
    page.locator("tr", has_text=reference).locator("a.button").click()
    run.shot(page, "screening-decision", axe=True)
    page.check("input[name=outcome][value=eligible]")
    page.click("form:has(input[name=outcome]) button.primary")
    page.wait_for_url(re.compile(r"/screening/round/\d+"))
    run.shot(page, "screening-done")


def advance(page, round_, state: str, run: Scenario | None = None) -> None:
    """The button that moves the round on opens a confirming step first."""
    page.goto(f"/rounds/{round_.id}")
    step = page.locator(f"details.confirm:has(input[name=to_state][value={state}])")
    step.locator("summary").click()
    if run:
        run.shot(page, f"round-confirm-{state}")
    step.locator("button").click()
    page.wait_for_load_state()
    assert page.locator(f"form:has(input[name=to_state][value={state}])").count() == 0


def score(run: Scenario, email: str, name: str, points: tuple[int, ...]) -> None:
    page = run.sign_in(email)
    page.goto("/scoring/")
    run.shot(page, f"{name}-dashboard", axe=True)
    page.click("main a.button.primary[href*='/declaration']")
    run.shot(page, f"{name}-declaration", axe=True)
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/scoring/"))
    page.click("main table a[href*='/scoring/entries/']")
    page.wait_for_url(re.compile(r"/jury/nominations/\d+/confirm"))
    run.shot(page, f"{name}-confirm-no-conflict", axe=True)
    page.select_option("select[name=has_conflict]", "no")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/scoring/entries/\d+"))
    for row, value in enumerate(points):
        page.fill(f"input[name=scores-{row}-points]", str(value))
        page.fill(f"textarea[name=scores-{row}-comment]", "Minh chứng rõ ràng, kế hoạch cụ thể.")
    assert page.locator("#live-total").inner_text() == str(sum(points))  # the total follows the typing
    run.shot(page, f"{name}-score-sheet", axe=True)
    sheet_url = page.url
    page.click("button[name=action][value=submit]")
    page.wait_for_url(re.compile(r"/scoring/$"))  # the only dossier: back to the dashboard, with a message
    assert page.locator(".flash.success").count() == 2
    run.shot(page, f"{name}-sheet-submitted")
    page.goto(sheet_url)
    assert page.locator("input[name=scores-0-points]").is_disabled()  # locked once submitted


def test_the_whole_round_in_vietnamese(scenario, live_app):
    run = scenario("vi")
    round_, staff = people(endorsement=True)

    # The school registers, fills in its dossier, uploads the documents and submits it.
    applicant = register(run, "thcs.nguyentrai@truong.edu.vn")
    assert "Đăng xuất" in applicant.content()
    reference = file_dossier(run, applicant, round_)
    assert "đã nộp" in applicant.content()

    # The province's education department confirms it with a signed official letter.
    page = run.sign_in(staff["endorser"])
    page.goto("/nominations/endorsement/")
    page.check("input[name=nomination_ids] >> nth=0")
    page.fill("input[name=number]", "125/SGDĐT-KHTC")
    page.set_input_files("input[name=letter]", pdf("cong-van-125.pdf"))
    run.shot(page, "endorsement", axe=True)
    page.click("main form button.primary")
    page.wait_for_load_state()
    run.shot(page, "endorsement-done")
    assert "ES-" in page.locator("main section", has_text="ES-").last.inner_text()

    # The secretariat closes the call, screens, and assigns the council's jurors automatically.
    secretariat = run.sign_in(staff["secretariat"])
    run.shot(secretariat, "secretariat-home", axe=True)
    secretariat.goto(f"/rounds/{round_.id}")
    run.shot(secretariat, "round", axe=True)
    advance(secretariat, round_, "closed", run)
    advance(secretariat, round_, "screening")
    screen_eligible(run, secretariat, round_, reference)
    secretariat.goto(f"/jury/round/{round_.id}/council")
    run.shot(secretariat, "council", axe=True)
    secretariat.goto(f"/jury/round/{round_.id}/assignments")
    secretariat.click("form[action$='/assignments/auto'] button")
    secretariat.wait_for_load_state()
    assert secretariat.locator(f"tr:has-text('{reference}')").inner_text().count("Đặng Thu Hà") == 1
    run.shot(secretariat, "assignments", axe=True)
    advance(secretariat, round_, "scoring")

    # Both jurors declare no conflict and score the dossier.
    score(run, staff["chair"], "chair", (22, 24, 23, 21))
    score(run, staff["juror"], "juror", (20, 22, 21, 20))

    # The secretariat computes the ranking and hands the round to the council.
    secretariat.goto(f"/ranking/round/{round_.id}")
    secretariat.click("form[action$='/compute'] button")
    secretariat.wait_for_load_state()
    assert "86,50" in secretariat.content()  # (90 + 83) / 2
    run.shot(secretariat, "ranking", axe=True)
    advance(secretariat, round_, "council")

    # The chair records the meeting that adopts the proposal.
    chair = run.sign_in(staff["chair"])
    chair.goto(f"/ranking/round/{round_.id}/meeting")
    chair.fill("input[name=held_on]", "10/12/2026")
    for box in chair.locator("input[name=present]").all():
        box.check()
    chair.fill("input[name=votes_for]", "2")
    chair.fill("input[name=votes_against]", "0")
    chair.fill("textarea[name=minutes]", "Hội đồng họp ngày 10/12/2026, 2/2 thành viên có mặt, thống nhất đề xuất.")
    run.shot(chair, "council-meeting", axe=True)
    chair.click("main form button.primary")
    chair.wait_for_url(re.compile(r"/ranking/round/\d+$"))
    run.shot(chair, "proposal-submitted")

    # The approver approves; the round is frozen.
    approver = run.sign_in(staff["approver"])
    approver.goto(f"/approval/round/{round_.id}")
    approver.fill("input[name=number]", "123/QĐ-BNNMT")
    approver.fill("input[name=signed_on]", "15/12/2026")
    approver.fill("input[name=signer_name]", "Lê Minh Đức")
    approver.fill("input[name=signer_title]", "KT. BỘ TRƯỞNG - THỨ TRƯỞNG")
    run.shot(approver, "approval", axe=True)
    approver.click("main form:has(input[name=signer_name]) button.primary")
    approver.wait_for_load_state()
    assert "123/QĐ-BNNMT" in approver.content()
    run.shot(approver, "approved")

    # The secretariat issues the certificates; the school finds its own on its home page.
    secretariat.goto(f"/certificates/round/{round_.id}")
    secretariat.click("form[action$='/issue'] button")
    secretariat.wait_for_load_state()
    code = secretariat.locator("main table a[href^='/verify/']").first.inner_text()
    run.shot(secretariat, "certificates", axe=True)
    applicant.goto("/")
    assert applicant.locator("a[href$='.pdf'][href^='/certificates/']").count() == 1
    run.shot(applicant, "applicant-home-certificate")

    # Anyone checks the certificate's code on the public page.
    public = run.new_page()
    public.goto("/verify")
    public.fill("input[name=code]", code)
    run.shot(public, "verify-form", axe=True)
    public.click("main form button.primary")
    public.wait_for_load_state()
    assert "Giấy chứng nhận hợp lệ" in public.content() and "Trường THCS Nguyễn Trãi" in public.content()
    run.shot(public, "verify-valid", axe=True)

    assert not run.problems, "\n".join(run.problems)


def test_a_shorter_path_in_english(scenario, live_app):
    """A school submits without endorsement, the secretariat screens it, and anyone checks the certificate of an
    earlier, approved round."""
    run = scenario("en")
    earlier, *_, ranking_run = make.council_round(names=("Lê Quý Đôn School", "Hòa Bình School"))
    make.approve(earlier, ranking_run, make.staff("approver"))
    round_, staff = people(endorsement=False, edition=2)

    applicant = register(run, "thcs.nguyentrai@truong.edu.vn")
    assert "Sign out" in applicant.content()
    reference = file_dossier(run, applicant, round_)
    assert "submitted" in applicant.content()

    page = run.sign_in(staff["secretariat"])
    run.shot(page, "secretariat-home", axe=True)
    advance(page, round_, "closed", run)
    advance(page, round_, "screening")
    screen_eligible(run, page, round_, reference)
    applicant.goto("/nominations/")
    assert "eligible" in applicant.locator("main table").inner_text()
    run.shot(applicant, "my-nominations-eligible")

    page.goto(f"/certificates/round/{earlier.id}")
    page.click("form[action$='/issue'] button")
    page.wait_for_load_state()
    code = page.locator("main table a[href^='/verify/']").first.inner_text()
    run.shot(page, "certificates", axe=True)

    public = run.new_page()
    public.goto(f"/verify/{code}")
    assert "Valid certificate" in public.content() and "Lê Quý Đôn School" in public.content()
    run.shot(public, "verify-valid", axe=True)
    public.goto("/verify/NO-SUCH-CODE")
    assert "No certificate has the code" in public.content()
    run.shot(public, "verify-unknown", axe=True)

    assert not run.problems, "\n".join(run.problems)
