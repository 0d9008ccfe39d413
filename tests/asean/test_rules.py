"""The checklist of the package to ASEAN, per programme, and its names and manifest (pure rules)."""

import hashlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from award_app.asean import rules
from award_app.asean.rules import DEFAULT_REQUIREMENTS, RequirementNeed


@pytest.fixture(autouse=True)
def _english(app):
    """The rules' messages are lazy: they are read in English here."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _need(code: str, programme: str, *, authors=(), national=0) -> RequirementNeed:
    values = next(r for r in DEFAULT_REQUIREMENTS[programme] if r["code"] == code)
    return RequirementNeed(values["name_en"], values["required"], values["min_count"], values["max_count"],
                           values["needs_author"], tuple(authors), national)


def _gaps(need: RequirementNeed, nominee="Trần Thị Mai", nominator="Thành đoàn Hà Nội") -> list[str]:
    return [str(p) for p in rules.requirement_gaps(need, nominee, nominator)]


# -- AYECA --------------------------------------------------------------------------------------

def test_ayeca_asks_for_a_cv_two_testimonials_one_profile_photo_and_five_action_photos():
    asked = {r["code"]: (r["required"], r["min_count"], r["max_count"]) for r in DEFAULT_REQUIREMENTS["youth"]}
    assert asked["cv"] == (True, 1, 1)
    assert asked["testimonials"] == (True, 2, None)
    assert asked["profile_photo"] == (True, 1, 1)
    assert asked["action_photos"] == (True, 5, None)


def test_a_missing_cv_and_a_single_testimonial_are_named():
    assert _gaps(_need("cv", "youth")) == ["“Curriculum vitae in English”: 0 of at least 1 files."]
    assert _gaps(_need("testimonials", "youth", authors=["Nguyễn Văn Bình"])) == [
        "“Testimonials in English (not by the nominator)”: 1 of at least 2 files."]


def test_testimonials_come_from_people_other_than_the_nominator_and_each_other():
    item = "Testimonials in English (not by the nominator)"
    assert _gaps(_need("testimonials", "youth", authors=["Nguyễn Văn Bình", "Lê Thị Cúc"])) == []
    assert _gaps(_need("testimonials", "youth", authors=["Nguyễn Văn Bình", "thanh doan ha noi"])) == [
        f"“{item}”: “thanh doan ha noi” is the nominator; it must come from someone else."]
    assert _gaps(_need("testimonials", "youth", authors=["Nguyễn Văn Bình", "NGUYEN  VAN BINH"])) == [
        f"“{item}”: two files are by “NGUYEN  VAN BINH”; each must come from a different person."]
    assert _gaps(_need("testimonials", "youth", authors=["Tran Thi Mai", "Lê Thị Cúc"])) == [
        f"“{item}”: “Tran Thi Mai” is the nominee; it must come from someone else."]
    assert _gaps(_need("testimonials", "youth", authors=["Lê Thị Cúc", " "])) == [
        f"“{item}”: file 2 does not name its author."]


def test_testimonials_without_authors_never_come_from_the_national_dossier():
    """National reference letters name no author per file: ASEAN's testimonials are sent with their authors."""
    assert _gaps(_need("testimonials", "youth", national=3)) == [
        "“Testimonials in English (not by the nominator)”: 0 of at least 2 files."]


def test_photos_are_counted_and_the_national_ones_serve_when_none_is_sent():
    assert _gaps(_need("action_photos", "youth", national=4)) == ["“Action photos”: 4 of at least 5 files."]
    assert _gaps(_need("action_photos", "youth", national=5)) == []
    assert _gaps(_need("action_photos", "youth", authors=("",) * 5, national=0)) == []
    assert _gaps(_need("profile_photo", "youth", national=1)) == []
    assert _gaps(_need("profile_photo", "youth", authors=("", ""))) == [
        "“Profile photo”: at most 1 files, there are 2."]


def test_the_youth_quota_is_one_junior_and_one_senior():
    quotas = {"junior": ("Junior (18–25)", 1), "senior": ("Senior (26–35)", 1)}
    assert rules.quota_gaps({"junior": 1, "senior": 1}, quotas) == []
    assert [str(p) for p in rules.quota_gaps({"junior": 2}, quotas)] == [
        "“Junior (18–25)”: 2 nominees, ASEAN takes at most 1 from a country."]


# -- Eco-schools ----------------------------------------------------------------------------------

AREAS = [("policy", "School policy and administration"),
         ("curriculum", "Teaching modules and learning activities"),
         ("facilities", "Facilities and environmental practices"),
         ("partnership", "Partnership and community outreach")]


def test_an_eco_school_writes_its_name_and_the_four_areas_in_english():
    details = {"school_name": "Trường THCS Nguyễn Trãi", "assessment_policy": "Kế hoạch hằng năm."}
    fields = rules.english_fields("eco_school", details, AREAS, [])
    assert [f.key for f in fields] == ["name", "assessment_policy", "assessment_curriculum", "assessment_facilities",
                                       "assessment_partnership"]
    assert fields[0].source == "Trường THCS Nguyễn Trãi" and fields[1].source == "Kế hoạch hằng năm."
    english = {"name": "Nguyen Trai Lower Secondary School", "assessment_policy": "An annual plan.",
               "assessment_curriculum": "  "}
    assert [str(g) for g in rules.english_gaps(fields, english)] == [
        "English: “Self-assessment: Teaching modules and learning activities” is not written yet.",
        "English: “Self-assessment: Facilities and environmental practices” is not written yet.",
        "English: “Self-assessment: Partnership and community outreach” is not written yet."]


def test_an_eco_school_needs_no_document_beyond_the_form():
    needs = [_need(r["code"], "eco_school") for r in DEFAULT_REQUIREMENTS["eco_school"]]
    assert rules.nominee_gaps([], {}, needs, "Trường THCS Nguyễn Trãi", "") == []


def test_the_eco_school_quota_is_one_primary_and_one_secondary():
    quotas = {"primary": ("Primary", 1), "secondary": ("Secondary", 1)}
    assert rules.quota_gaps({"primary": 1, "secondary": 1}, quotas) == []
    assert [str(p) for p in rules.quota_gaps({"secondary": 2, "preschool": 1}, quotas)] == [
        "“preschool”: 1 nominees, ASEAN takes at most 0 from a country.",
        "“Secondary”: 2 nominees, ASEAN takes at most 1 from a country."]


# -- ESC ---------------------------------------------------------------------------------------

def test_a_city_writes_its_summary_and_each_nominated_entry_in_english():
    entries = [("esc", "ASEAN ESC Award", "Thu gom 98 %."), ("cor_clean_air_big", "Clean Air (big city)", "")]
    fields = rules.english_fields("city", {"city_name": "Thành phố Huế", "narrative": "Tóm tắt."}, [], entries)
    assert [f.key for f in fields] == ["name", "narrative", "entry_esc", "entry_cor_clean_air_big"]
    assert fields[2].source == "Thu gom 98 %."


def test_the_esc_quota_is_one_city_and_at_most_one_big_and_one_small_city_per_category():
    quotas = {"esc": ("ESC Award", 1), "cor_clean_air_big": ("Clean Air (big city)", 1),
              "cor_clean_air_small": ("Clean Air (small city)", 1)}
    assert rules.quota_gaps({"esc": 1, "cor_clean_air_big": 1, "cor_clean_air_small": 1}, quotas) == []
    assert [str(p) for p in rules.quota_gaps({"esc": 2, "cor_clean_air_big": 2}, quotas)] == [
        "“Clean Air (big city)”: 2 nominees, ASEAN takes at most 1 from a country.",
        "“ESC Award”: 2 nominees, ASEAN takes at most 1 from a country."]


# -- the call, the names, the manifest ---------------------------------------------------------------

def test_the_supplements_are_due_after_today_and_before_asean_s_deadline():
    today = date(2026, 12, 2)
    assert rules.due_date_problem(date(2027, 1, 10), date(2027, 1, 31), today) is None
    assert rules.due_date_problem(date(2027, 1, 31), date(2027, 1, 31), today) == (
        "The supplements must be due before ASEAN's deadline.")
    assert rules.due_date_problem(today, date(2027, 1, 31), today) == "The supplements must be due after today."
    assert rules.due_date_problem(None, date(2027, 1, 31), today)


def test_the_cover_letter_names_what_it_lacks():
    gaps = rules.call_gaps(deadline=None, supplement_due_on=None, organiser_en="Ministry", addressee="",
                           signer_name="Nguyễn Văn Tài", signer_title=" ", nominees=0)
    assert [str(g) for g in gaps] == [
        "The approved decision names no ASEAN nominee.", "ASEAN's deadline is not set.",
        "The cover letter lacks the addressee.", "The cover letter lacks the signer's title."]


def test_names_in_the_package_are_plain_ascii_in_asean_s_order():
    assert rules.ascii_name("Trường Tiểu học Kim Đồng") == "Truong-Tieu-hoc-Kim-Dong"
    assert rules.nominee_folder(1, "Senior (26–35)", "Trần Thị Mai") == "01_Senior-26-35_Tran-Thi-Mai"
    assert rules.file_name(3, "Testimonial", 2, 2, "pdf") == "03_Testimonial_2.pdf"
    assert rules.file_name(2, "CV", 1, 1, "docx") == "02_CV.docx"
    assert rules.ascii_name("../../etc/passwd") == "etc-passwd"
    assert rules.ascii_name("洪水") == "nominee"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(alphabet="abcXYZ019_-./", min_size=1, max_size=30), st.binary(max_size=64)),
                max_size=8))
def test_the_manifest_lists_each_file_with_its_sha256_as_sha256sum_reads_it(files):
    listed = [(path, rules.sha256(body)) for path, body in files]
    text = rules.manifest(listed)
    lines = text.splitlines()
    assert len(lines) == len(files)
    for line, (path, body) in zip(lines, files, strict=True):
        digest, name = line.split("  ", 1)
        assert name == path and digest == hashlib.sha256(body).hexdigest()
