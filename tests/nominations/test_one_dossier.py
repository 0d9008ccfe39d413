"""One dossier per applicant and school and level (nominee, city) per round (issue 19): a second one is refused with
a link to the first, by the service and by the database, even for two clicks at once; the secretariat and the
endorser see possible duplicates across accounts."""

import html
import re
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from award_app.accounts.services import set_endorser_scopes
from award_app.extensions import db
from award_app.nominations import lifecycle, rules, services
from award_app.nominations.models import Nomination, NominationState
from award_app.rounds.models import ProgrammeCode
from tests.helpers import CSRF_PATTERN, login, submit
from tests.nominations.factories import (
    CITY,
    ECO_SCHOOL,
    ECO_SCHOOL_FORM,
    VERSION_PATTERN,
    YOUTH,
    applicant,
    draft,
    open_round,
    staff,
    submitted,
    typed,
    upload_required,
)


def count(round_, owner=None) -> int:
    query = select(func.count()).select_from(Nomination).where(Nomination.round_id == round_.id)
    if owner is not None:
        query = query.where(Nomination.applicant_id == owner.id)
    return db.session.scalar(query)


def client_in(app, user, lang: str):
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, user)
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def save(client, nomination_id: int, fields: dict, action: str = "save"):
    url = f"/nominations/{nomination_id}/edit"
    version = VERSION_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)
    return submit(client, url, {**fields, "version": version, "action": action})


# -- the rule -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Trường THCS Nguyễn Trãi", "THCS Nguyen Trai"), ("Trường Tiểu học và THCS Kim Đồng", "kim đồng"),
    ("Trường THCS số 1", "THCS SỐ 1."),
])
def test_school_names_are_compared_without_accents_case_punctuation_or_the_words_that_say_school(a, b):
    assert rules.normalised_name(a, rules.SCHOOL_NAME_PREFIXES) == rules.normalised_name(b, rules.SCHOOL_NAME_PREFIXES)


def test_different_schools_and_levels_have_different_keys():
    key = rules.dossier_key
    assert key("Trường THCS Nguyễn Trãi", rules.SCHOOL_NAME_PREFIXES, "thcs") == "nguyen trai|thcs"
    assert key("Trường THCS Nguyễn Trãi", rules.SCHOOL_NAME_PREFIXES, "thpt") == "nguyen trai|thpt"
    assert key("Trường THCS Nguyễn Du", rules.SCHOOL_NAME_PREFIXES, "thcs") == "nguyen du|thcs"
    assert key("Thành phố Huế", rules.CITY_NAME_PREFIXES) == key("TP. Huế", rules.CITY_NAME_PREFIXES) == "hue"
    assert key("", rules.SCHOOL_NAME_PREFIXES, "") == "" and key("  ") == ""


# -- the service --------------------------------------------------------------------------------

def test_a_second_unnamed_draft_is_refused_with_the_first(app):
    round_ = open_round()
    school = applicant("school")
    first = draft(round_, school)
    with pytest.raises(services.DuplicateDossier) as refused:
        services.create_nomination(round_, school)
    db.session.rollback()
    assert refused.value.existing.id == first.id and count(round_) == 1


def test_a_named_draft_lets_the_school_start_one_for_another_level(app):
    round_ = open_round()
    school = applicant("school")
    draft(round_, school, ECO_SCHOOL)
    second = draft(round_, school, {**ECO_SCHOOL, "level": "thpt"})
    assert second.dossier_key == "nguyen trai|thpt" and count(round_, school) == 2


def test_saving_the_same_school_and_level_keeps_the_first_and_saves_the_rest(app):
    round_ = open_round()
    school = applicant("school")
    first = draft(round_, school, ECO_SCHOOL)
    second = draft(round_, school)
    again = {**ECO_SCHOOL, "school_name": "THCS Nguyen Trai", "pupils": 900}
    duplicate = services.save_dossier(second, typed(again), again, version=None, actor=school)
    db.session.commit()
    assert duplicate.id == first.id
    assert "school_name" not in second.details and "level" not in second.details and second.dossier_key == ""
    assert second.details["pupils"] == 900 and second.form_input["school_name"] == ["THCS Nguyen Trai"]


@pytest.mark.parametrize(("code", "details", "field", "other"), [
    (ProgrammeCode.YOUTH, YOUTH, "nominee_name", "TRẦN THỊ MAI"),
    (ProgrammeCode.CITY, CITY, "city_name", "TP Huế"),
])
def test_a_nominee_or_a_city_is_entered_once_by_an_applicant(app, code, details, field, other):
    round_ = open_round(code)
    owner = applicant("youth_nominator" if code == ProgrammeCode.YOUTH else "province_committee")
    first = draft(round_, owner, details)
    second = draft(round_, owner)
    assert services.save_dossier(second, typed({field: other}), {field: other}, version=None, actor=owner) == first
    db.session.rollback()


def test_a_withdrawn_dossier_does_not_count(app):
    round_ = open_round()
    school = applicant("school")
    first = draft(round_, school, ECO_SCHOOL)
    lifecycle.withdraw(first, "Nộp nhầm.", actor=school)
    db.session.commit()
    second = draft(round_, school, ECO_SCHOOL)
    assert second.dossier_key == first.dossier_key == "nguyen trai|thcs"


def test_the_database_refuses_a_second_dossier_with_the_same_key_unless_withdrawn(app):
    round_ = open_round()
    school = applicant("school")
    first = draft(round_, school, ECO_SCHOOL)
    db.session.add(Nomination(round=round_, applicant=school, dossier_key=first.dossier_key))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Nomination(round=round_, applicant=school, dossier_key=first.dossier_key,
                              state=NominationState.WITHDRAWN))
    db.session.commit()
    assert count(round_, school) == 2


def test_an_older_duplicate_set_apart_by_the_migration_cannot_be_submitted(app):
    round_ = open_round()
    school = applicant("school")
    first = submitted(round_, school, ECO_SCHOOL)
    older_copy = draft(round_, school, {**ECO_SCHOOL, "level": "thpt"})
    upload_required(older_copy, school)
    older_copy.dossier_key = f"{first.dossier_key}#{older_copy.id}"  # as onedossier01 marks a copy made before
    older_copy.details = {**older_copy.details, "level": "thcs"}
    db.session.commit()
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit(older_copy, form_errors=[], actor=school)
    db.session.rollback()
    assert any("Trường THCS Nguyễn Trãi" in str(m) for m in refused.value.messages)


# -- the pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "Đã có một hồ sơ chưa có tên trong đợt xét chọn này"),
    ("en", "You already have a dossier in this round that has no name yet"),
])
def test_starting_again_opens_the_unnamed_draft_instead(app, lang, message):
    round_ = open_round()
    school = applicant("school")
    client = client_in(app, school, lang)
    first = submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    again = submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert message in text_of(client.get(again.headers["Location"])) and count(round_) == 1


@pytest.mark.parametrize(("lang", "message", "link"), [
    ("vi", "Đã có hồ sơ cho trường và cấp học này trong đợt xét chọn (“Trường THCS Nguyễn Trãi”)", "Mở hồ sơ đó"),
    ("en", "You already have a dossier for this school and level in this round (“Trường THCS Nguyễn Trãi”)",
     "Open that dossier"),
])
def test_naming_a_draft_as_another_dossier_says_so_beside_the_name_with_a_link(app, lang, message, link):
    round_ = open_round()
    school = applicant("school")
    first, second = draft(round_, school, ECO_SCHOOL), draft(round_, school)
    client = client_in(app, school, lang)
    for action in ("save", "submit"):
        response = save(client, second.id, {**ECO_SCHOOL_FORM, "school_name": "THCS Nguyễn Trãi", "pupils": "777"},
                        action=action)
        page = text_of(response)
        assert response.status_code == 200 and message in page
        name_field = re.search(r'<div class="field\s+has-error">\s*<label for="school_name".*?</div>\s*</div>', page,
                               re.S).group(0)
        assert message in name_field and 'value="THCS Nguyễn Trãi"' in name_field  # beside it, typing kept
        assert f'<a href="/nominations/{first.id}/edit">{link}</a>' in page
    db.session.expire_all()
    second = db.session.get(Nomination, second.id)
    assert second.state == NominationState.DRAFT and second.details["pupils"] == 777
    assert "school_name" not in second.details


def test_autosave_reports_the_duplicate_on_the_name(app):
    round_ = open_round()
    school = applicant("school")
    draft(round_, school, ECO_SCHOOL)
    second = draft(round_, school)
    client = client_in(app, school, "en")
    page = client.get(f"/nominations/{second.id}/edit").get_data(as_text=True)
    answer = client.post(f"/nominations/{second.id}/autosave", headers={"Accept": "application/json"}, data={
        **ECO_SCHOOL_FORM, "csrf_token": CSRF_PATTERN.search(page).group(1),
        "version": VERSION_PATTERN.search(page).group(1)}).get_json()
    assert answer["ok"] and "You already have a dossier for this school and level" in answer["errors"]["school_name"][0]


@pytest.mark.parametrize(("lang", "continue_label", "another"), [
    ("vi", "Tiếp tục hoàn thiện hồ sơ: Trường THCS Nguyễn Trãi", "Tạo hồ sơ cho cấp học khác"),
    ("en", "Continue your draft: Trường THCS Nguyễn Trãi", "Start a dossier for another level"),
])
def test_the_home_page_makes_continuing_the_draft_the_main_action(app, lang, continue_label, another):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school, ECO_SCHOOL)
    client = client_in(app, school, lang)
    for url in ("/", "/nominations/"):
        page = text_of(client.get(url))
        assert f'<a class="button primary" href="/nominations/{nomination.id}/edit">{continue_label}</a>' in page
        assert f'<button class="">{another}</button>' in page  # starting another is there, not the main action
    draft(round_, school)  # an unnamed draft: no new one until it is named
    page = text_of(client.get("/"))
    assert another not in page and page.count('class="button primary"') == 2


def test_two_clicks_at_once_make_one_draft(app):
    round_ = open_round()
    school = applicant("school")
    url = f"/nominations/start/{round_.id}"  # read here: the threads touch no object of this session
    tabs = []
    for _ in range(2):
        tab = app.test_client()
        login(tab, school)
        tabs.append((tab, CSRF_PATTERN.search(tab.get("/nominations/").get_data(as_text=True)).group(1)))
    together, answers = threading.Barrier(2), []

    def click(tab, token):
        with app.app_context():
            together.wait()
            answers.append(tab.post(url, data={"csrf_token": token}))

    threads = [threading.Thread(target=click, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    assert [a.status_code for a in answers] == [302, 302] and count(round_) == 1
    assert answers[0].headers["Location"] == answers[1].headers["Location"]  # both open the one draft


# -- possible duplicates across accounts --------------------------------------------------------

@pytest.mark.parametrize(("lang", "marker"), [("vi", "có thể trùng"), ("en", "possible duplicate")])
def test_the_secretariat_sees_possible_duplicates_across_accounts_and_can_list_only_them(app, lang, marker):
    round_ = open_round()
    first = submitted(round_, applicant("school"), ECO_SCHOOL)
    again = submitted(round_, applicant("school"), {**ECO_SCHOOL, "school_name": "THCS Nguyen Trai"})
    other_level = submitted(round_, applicant("school"), {**ECO_SCHOOL, "level": "thpt"})
    elsewhere = submitted(round_, applicant("school"), {**ECO_SCHOOL, "province_id": "hue-34"})
    client = client_in(app, staff("secretariat"), lang)
    page = text_of(client.get(f"/nominations/round/{round_.id}"))
    rows = {ref: row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for ref in re.findall(r"[A-Z]{2}-2026-\d{4}", row)[:1]}
    assert marker in rows[first.reference] and again.reference in rows[first.reference]
    assert marker in rows[again.reference]
    assert marker not in rows[other_level.reference] and marker not in rows[elsewhere.reference]
    only = text_of(client.get(f"/nominations/round/{round_.id}?duplicates=1"))
    assert first.reference in only and again.reference in only and other_level.reference not in only
    shown = text_of(client.get(f"/nominations/{first.id}"))
    assert 'id="possible-duplicate"' in shown and again.reference in shown
    owner_view = text_of(client_in(app, first.applicant, lang).get(f"/nominations/{first.id}"))
    assert 'id="possible-duplicate"' not in owner_view and again.reference not in owner_view


@pytest.mark.parametrize(("lang", "marker"), [("vi", "có thể trùng"), ("en", "possible duplicate")])
def test_the_endorser_sees_the_duplicate_marked_before_confirming(app, lang, marker):
    round_ = open_round(endorsement=True)
    first = submitted(round_, applicant("school"), ECO_SCHOOL)
    again = submitted(round_, applicant("school"), {**ECO_SCHOOL, "school_name": "Trường THCS Nguyễn Trãi.",
                                                    "principal_name": "Trần Văn Khác"})
    single = submitted(round_, applicant("school"), {**ECO_SCHOOL, "school_name": "Trường THCS Kim Liên"})
    endorser = staff()
    set_endorser_scopes(endorser, {("ha-noi-34", "eco_school")})
    db.session.commit()
    page = text_of(client_in(app, endorser, lang).get("/nominations/endorsement/"))
    rows = {ref: row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for ref in re.findall(r"[A-Z]{2}-2026-\d{4}", row)[:1]}
    assert marker in rows[first.reference] and again.reference in rows[first.reference]
    assert marker in rows[again.reference] and marker not in rows[single.reference]
