"""What an applicant stumbled on (issue 19), walked in the browser: a school's home page leads to its draft, a second
dossier for the same school and level is refused beside the name with a link to the first, numbers are typed and
read with the language's marks, a file over the limit is refused beside its field (by the page before sending, and
by the server without JavaScript) with the document chosen kept, a city entry without narrative or indicator stops
the submission; the secretariat and the endorser see the possible duplicates. Vietnamese on a phone, English on a
desktop window, with the checks of every browser test on each page."""

import re

import pytest

from award_app.accounts.services import set_endorser_scopes
from award_app.extensions import db
from award_app.rounds.models import ProgrammeCode
from tests.browser.conftest import LOCALES, SIZES
from tests.browser.scenario import Scenario
from tests.helpers import PASSWORD
from tests.nominations import factories as make
from tests.sample_files import PDF

RUNS = [("vi", "phone"), ("en", "desktop")]
TEXT = {
    "vi": {"continue": "Tiếp tục hoàn thiện hồ sơ: Trường THCS Nguyễn Trãi", "another": "Tạo hồ sơ cho cấp học khác",
           "duplicate": "Đã có hồ sơ cho trường và cấp học này", "pupils": "1.250", "too_large": "lớn hơn",
           "entry": "cần viết thuyết minh và nhập ít nhất một giá trị chỉ số", "population": "1.220.000",
           "area": "1.285,4", "marker": "có thể trùng", "counter": "còn thiếu"},
    "en": {"continue": "Continue your draft: Trường THCS Nguyễn Trãi", "another": "Start a dossier for another level",
           "duplicate": "You already have a dossier for this school and level", "pupils": "1,250",
           "too_large": "is larger than", "entry": "write its narrative and add at least one indicator value",
           "population": "1,220,000", "area": "1,285.4", "marker": "possible duplicate", "counter": "more needed"},
}


@pytest.fixture(params=RUNS, ids=["-".join(run) for run in RUNS])
def run(request, chromium, live_server):
    lang, viewport = request.param
    scenario = Scenario(chromium, live_server.url, lang, viewport, name=f"applicant-{lang}-{viewport}")
    request.addfinalizer(scenario.close)
    return scenario


def without_javascript(run: Scenario, email: str):
    """A browser with JavaScript off, signed in: what the server alone answers."""
    context = run.browser.new_context(base_url=run.base_url, viewport=SIZES[run.viewport], locale=LOCALES[run.lang],
                                      java_script_enabled=False, is_mobile=run.viewport == "phone")
    context.set_default_timeout(15_000)
    run.contexts.append(context)
    page = context.new_page()
    page.on("response", lambda response: response.status >= 500 and run.problems.append(
        f"{response.status} from {response.url}"))
    page.goto("/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()
    return page


def row_of(nomination) -> str:
    """The table row whose reference cell is this dossier's (another row may name it as its possible twin)."""
    return f"tbody tr:has(> td > a:text-is('{nomination.reference}'))"


def big_pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + b" " * (150 * 1024)}


def test_an_applicants_path_through_what_stumbled_them(run, live_app):
    text = TEXT[run.lang]
    round_ = make.open_round(endorsement=True)
    school = make.applicant("school", email="truong.nguyentrai@example.vn")
    first = make.draft(round_, school, make.ECO_SCHOOL)
    twins = [make.submitted(round_, make.applicant("school"), {**make.ECO_SCHOOL, "school_name": name})
             for name in ("Trường THCS Lê Lợi", "THCS Le Loi")]
    city_round = make.open_round(ProgrammeCode.CITY)
    committee = make.applicant("province_committee", email="ubnd.hue@example.vn", full_name="Lê Thị Thu Thủy")
    city = make.draft(city_round, committee, {**make.CITY, "area_km2": "266"})  # typed as in either language
    make.upload_required(city, committee)
    danang = make.submitted(city_round, details={**make.CITY, "city_name": "Thành phố Đà Nẵng",
                                                 "province_id": "da-nang-34", "population": 1_220_000,
                                                 "area_km2": "1285.4"})
    secretariat, endorser = make.staff("secretariat"), make.staff()
    set_endorser_scopes(endorser, {("ha-noi-34", "eco_school")})
    db.session.commit()
    live_app.config["UPLOAD_MAX_FILE_MB"] = 0.1  # 102 KB: a small file is already over it
    evidence = next(i for i in round_.checklist if i.code == "evidence")
    criterion = round_.rubrics[0].criteria[2]

    # The school's home page: continuing the draft is the main action; another level is offered beside it.
    page = run.sign_in(school.email)
    run.shot(page, "home-continue-draft", axe=True)
    assert page.locator("main a.button.primary").first.inner_text() == text["continue"]
    assert page.locator(f"form[action='/nominations/start/{round_.id}'] button").inner_text() == text["another"]

    # A second dossier for the same school and level: refused beside the name, with a link to the first.
    page.click(f"form[action='/nominations/start/{round_.id}'] button")
    page.wait_for_url(re.compile(r"/nominations/\d+/edit"))
    second_url = page.url
    page.fill("input[name=school_name]", "THCS Nguyễn Trãi")
    page.select_option("select[name=level]", "thcs")
    page.fill("input[name=pupils]", text["pupils"])
    page.click("button[name=action][value=save]:not(.visually-hidden)")
    page.wait_for_load_state()
    assert text["duplicate"] in page.locator("div.field:has(#school_name) .error").inner_text()
    assert page.locator(f"#duplicate a[href='/nominations/{first.id}/edit']").count() == 1
    run.shot(page, "second-dossier-refused", axe=True)
    page.select_option("select[name=level]", "thpt")
    page.click("button[name=action][value=save]:not(.visually-hidden)")
    page.wait_for_url(re.compile(r"/nominations/\d+/edit"))
    assert page.input_value("input[name=pupils]") == text["pupils"]  # read in the language's notation, kept
    assert text["counter"] in page.locator("#documents table").inner_text()
    run.shot(page, "another-level-saved", axe=True)

    # A file over the limit: the page refuses it before sending, beside the field; the choices stay.
    page.select_option("select[name=checklist_item_id]", str(evidence.id))
    page.select_option("select[name=criterion_id]", str(criterion.id))
    page.set_input_files("input[name=file]", big_pdf("minh-chung.pdf"))
    assert text["too_large"] in page.locator("#file-error").inner_text()
    assert page.locator("#file-error").is_visible() and page.input_value("input[name=file]") == ""
    run.shot(page, "file-too-large-in-the-page", axe=True)

    # Without JavaScript the server refuses it the same way, the document and criterion still chosen.
    plain = without_javascript(run, school.email)
    plain.goto(second_url)
    plain.select_option("select[name=checklist_item_id]", str(evidence.id))
    plain.select_option("select[name=criterion_id]", str(criterion.id))
    plain.set_input_files("input[name=file]", big_pdf("minh-chung.pdf"))
    plain.click("button[name=action][value=upload]")
    plain.wait_for_load_state()
    assert text["too_large"] in plain.locator("#file-error").inner_text()
    assert plain.input_value("select[name=checklist_item_id]") == str(evidence.id)
    assert plain.input_value("select[name=criterion_id]") == str(criterion.id)
    run.shot(plain, "file-too-large-from-the-server")

    # A city whose entries have no narrative and no indicator cannot submit: the page names each entry.
    official = run.sign_in(committee.email)
    official.goto(f"/nominations/{city.id}/edit")
    assert official.locator("select[name=criterion_id]").count() == 0  # no criterion to choose for a city
    official.click("button[name=action][value=submit]")
    official.wait_for_load_state()
    assert text["entry"] in official.locator("main [role=alert]").first.inner_text()
    run.shot(official, "city-entries-incomplete", axe=True)

    # The secretariat reads a city's population and area with the language's marks, and sees duplicates flagged.
    staff = run.sign_in(secretariat.email)
    staff.goto(f"/nominations/{danang.id}")
    facts = staff.locator("dl.facts").inner_text()
    assert text["population"] in facts and text["area"] in facts
    run.shot(staff, "city-numbers", axe=True)
    staff.goto(f"/nominations/round/{round_.id}")
    for twin in twins:
        assert text["marker"] in staff.locator(row_of(twin)).inner_text()
    run.shot(staff, "nominations-possible-duplicates", axe=True)
    staff.click("#duplicates-note a")
    staff.wait_for_load_state()
    assert staff.locator("main tbody tr").count() == 2
    run.shot(staff, "nominations-only-duplicates")

    # The province's endorser sees them marked before confirming either.
    province = run.sign_in(endorser.email)
    province.goto("/nominations/endorsement/")
    for twin in twins:
        assert text["marker"] in province.locator(row_of(twin)).inner_text()
    run.shot(province, "endorsement-possible-duplicates", axe=True)

    assert not run.problems, "\n".join(run.problems)
