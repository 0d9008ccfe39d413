"""The pure rules of a dossier at their boundaries (rule book: AYECA 18–35 on the closing date,
Junior 18–25 / Senior 26–35, cities from 20,000 inhabitants, big from 750,000)."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from award_app.nominations import rules
from award_app.nominations.rules import ChecklistNeed, age_on, size_class, youth_category

CLOSING = date(2026, 6, 30)
VALID_YOUTH = {"date_of_birth": "2000-05-01", "citizenship": "VN", "years_active": 3,
               "nominee_name": "Trần Thị Mai", "nominator_name": "Thành đoàn Hà Nội"}
NO_HYPOTHESIS_FILES = settings(database=None, deadline=None)


def youth(**changes) -> list[str]:
    return [str(p) for p in rules.youth_problems({**VALID_YOUTH, **changes}, CLOSING)]


# -- age on the closing date ----------------------------------------------------------------

def test_a_nominee_who_turns_36_on_the_closing_date_is_refused():
    assert age_on(date(1990, 6, 30), CLOSING) == 36
    assert youth_category(date(1990, 6, 30), CLOSING) is None
    (problem,) = youth(date_of_birth="1990-06-30")
    assert "18 to 35" in problem and "30/06/2026" in problem and "36" in problem


def test_a_nominee_who_turns_36_the_day_after_the_closing_date_is_accepted_as_senior():
    assert age_on(date(1990, 7, 1), CLOSING) == 35
    assert youth_category(date(1990, 7, 1), CLOSING) == "senior"
    assert youth(date_of_birth="1990-07-01") == []


def test_a_nominee_who_turns_18_on_the_closing_date_is_accepted_as_junior():
    assert youth_category(date(2008, 6, 30), CLOSING) == "junior"
    assert youth(date_of_birth="2008-06-30") == []


def test_a_nominee_who_is_still_17_on_the_closing_date_is_refused():
    assert age_on(date(2008, 7, 1), CLOSING) == 17
    assert youth_category(date(2008, 7, 1), CLOSING) is None
    (problem,) = youth(date_of_birth="2008-07-01")
    assert "they are 17" in problem


@pytest.mark.parametrize(("birth", "category"), [
    (date(2000, 6, 30), "senior"),   # 26 on the closing date
    (date(2000, 7, 1), "junior"),    # 25 on the closing date
    (date(2001, 6, 30), "junior"),   # exactly 25
    (date(1991, 7, 1), "senior"),    # 34
])
def test_the_group_is_junior_up_to_25_and_senior_from_26(birth, category):
    assert youth_category(birth, CLOSING) == category


def test_someone_born_on_29_february_is_a_year_older_on_1_march_of_a_common_year():
    birth = date(2008, 2, 29)
    assert age_on(birth, date(2026, 2, 28)) == 17
    assert age_on(birth, date(2026, 3, 1)) == 18
    assert youth_category(birth, date(2026, 2, 28)) is None
    assert youth_category(birth, date(2026, 3, 1)) == "junior"
    # in a leap year the birthday itself counts
    assert age_on(birth, date(2028, 2, 28)) == 19
    assert age_on(birth, date(2028, 2, 29)) == 20


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31))


@NO_HYPOTHESIS_FILES
@given(birth=births.filter(lambda d: (d.month, d.day) != (2, 29)), years=st.integers(min_value=0, max_value=100))
def test_age_on_the_nth_birthday_is_n_and_one_less_the_day_before(birth, years):
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    if years:
        assert age_on(birth, birthday - timedelta(days=1)) == years - 1


@NO_HYPOTHESIS_FILES
@given(year=st.integers(min_value=1904, max_value=2000).filter(calendar.isleap), years=st.integers(1, 90))
def test_a_29_february_birthday_counts_on_1_march_in_common_years(year, years):
    birth, later = date(year, 2, 29), year + years
    assert age_on(birth, date(later, 3, 1)) == years
    assert age_on(birth, date(later, 2, 28)) == years - 1
    if calendar.isleap(later):
        assert age_on(birth, date(later, 2, 29)) == years


@NO_HYPOTHESIS_FILES
@given(birth=births, day=births)
def test_the_category_follows_the_age_window(birth, day):
    age = age_on(birth, day)
    expected = None if not 18 <= age <= 35 else "junior" if age <= 25 else "senior"
    assert youth_category(birth, day) == expected


# -- cities ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("population", "expected"), [
    (0, None), (19_999, None), (20_000, "small"), (749_999, "small"), (750_000, "big"), (1_500_001, "big"),
])
def test_size_classes_at_their_boundaries(population, expected):
    assert size_class(population) == expected


def test_a_city_below_20000_inhabitants_is_refused_and_20000_is_accepted():
    assert [str(p) for p in rules.city_problems({"population": 19_999, "outcomes": ["esc"]})] == [
        "A city or urban area needs at least 20,000 inhabitants."]
    assert rules.city_problems({"population": 20_000, "outcomes": ["esc"]}) == []


def test_a_city_must_choose_an_outcome():
    (problem,) = rules.city_problems({"population": 800_000, "outcomes": []})
    assert "at least one outcome" in str(problem)


# -- the other youth rules ------------------------------------------------------------------

@pytest.mark.parametrize("nominator", ["Trần Thị Mai", "trần thị mai", "  TRẦN THỊ MAI  "])
def test_the_nominee_cannot_be_their_own_nominator(nominator):
    assert youth(nominator_name=nominator) == [
        "The nominator must be another person or an organisation, not the nominee."]


def test_the_nominee_cannot_be_their_own_nominator_with_a_doubled_inner_space():
    assert youth(nominator_name="Trần  Thị Mai") == [
        "The nominator must be another person or an organisation, not the nominee."]


def test_a_citizenship_other_than_vietnamese_is_refused():
    assert youth(citizenship="other") == ["The nominee must be a Vietnamese citizen."]
    assert youth(citizenship=None) == ["The nominee must be a Vietnamese citizen."]


@pytest.mark.parametrize(("years", "refused"), [(0, True), (1, True), (2, False), (5, False)])
def test_at_least_two_years_of_activity(years, refused):
    problems = youth(years_active=years)
    assert problems == (["The nominee must have been active for at least 2 of the last 5 years."] if refused else [])


def test_every_youth_problem_is_listed_at_once():
    problems = youth(date_of_birth="1980-01-01", citizenship="other", years_active=1, nominator_name="trần thị mai")
    assert len(problems) == 4


# -- documents and deadline -----------------------------------------------------------------

def problems_for(*needs: ChecklistNeed) -> list[str]:
    return [str(p) for p in rules.document_problems(needs)]


def test_a_required_item_needs_its_minimum_count():
    letters = dict(name="Thư giới thiệu", required=True, min_count=2, max_count=None)
    assert problems_for(ChecklistNeed(**letters, have=1)) == ["“Thư giới thiệu”: 1 of at least 2 files uploaded."]
    assert problems_for(ChecklistNeed(**letters, have=2)) == []
    assert problems_for(ChecklistNeed(**letters, have=9)) == []


def test_an_item_with_a_maximum_refuses_more_files():
    photo = dict(name="Ảnh chân dung", required=True, min_count=1, max_count=1)
    assert problems_for(ChecklistNeed(**photo, have=1)) == []
    assert problems_for(ChecklistNeed(**photo, have=2)) == ["“Ảnh chân dung”: at most 1 files, you have 2."]
    assert problems_for(ChecklistNeed(**photo, have=0)) == ["“Ảnh chân dung”: 0 of at least 1 files uploaded."]


def test_an_optional_item_may_be_empty_but_keeps_its_maximum():
    assert problems_for(ChecklistNeed("Hồ sơ đô thị", False, 0, 1, 0)) == []
    assert problems_for(ChecklistNeed("Ấn phẩm", False, 1, None, 0)) == []
    assert len(problems_for(ChecklistNeed("Hồ sơ đô thị", False, 0, 1, 2))) == 1


def test_every_document_problem_is_listed():
    assert len(problems_for(ChecklistNeed("A", True, 1, 1, 0), ChecklistNeed("B", True, 5, None, 4),
                            ChecklistNeed("C", True, 1, 1, 3))) == 3


def test_the_deadline_is_the_closing_time_itself():
    closes = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    assert rules.deadline_problems(closes, closes) == []
    assert rules.deadline_problems(closes - timedelta(minutes=1), closes) == []
    assert [str(p) for p in rules.deadline_problems(closes + timedelta(seconds=1), closes)] == [
        "The deadline for submissions has passed."]
    assert len(rules.deadline_problems(closes, None)) == 1


def test_missing_fields_are_named():
    assert [str(p) for p in rules.missing_field_problems(["Ngày sinh", "Quốc tịch"])] == [
        "“Ngày sinh” is not filled in.", "“Quốc tịch” is not filled in."]


# -- how a checklist item stands, in words (issue 19) -----------------------------------------

@pytest.mark.parametrize(("need", "expected"), [
    (rules.ChecklistNeed("Ảnh hoạt động", True, 5, None, 1), (False, "1 of at least 5", "4 more needed")),
    (rules.ChecklistNeed("Ảnh hoạt động", True, 5, None, 6), (True, "6 of at least 5", "")),
    (rules.ChecklistNeed("Phiếu đăng ký", True, 1, 1, 0), (False, "0 of 1", "1 more needed")),
    (rules.ChecklistNeed("Phiếu đăng ký", True, 1, 1, 2), (False, "2 of at most 1", "remove 1")),
    (rules.ChecklistNeed("Bài báo", False, 0, None, 0), (True, "0 (optional)", "")),
])
def test_a_checklist_item_says_what_it_has_and_what_is_still_needed(need, expected):
    enough, shown, to_do = rules.need_summary(need)  # outside a request: the English text
    assert (enough, str(shown), str(to_do)) == expected
