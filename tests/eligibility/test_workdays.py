"""15 working days (Circular 62/2015/TT-BTNMT), counted from the day after the request (Civil Code Art. 147)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from award_app.eligibility.workdays import add_working_days, is_working_day, working_days_between

# Tết Bính Ngọ 2026 and the spring holidays, as seeded (weekday holidays only).
HOLIDAYS_2026 = {date(2026, 1, 1), *(date(2026, 2, d) for d in range(16, 21)), date(2026, 4, 27),
                 date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1), date(2026, 9, 2)}
MAKEUP_2025 = {date(2025, 4, 26)}
HOLIDAYS_2025 = {date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)}


def test_a_plain_fortnight_without_holidays():
    # Requested on Monday 2 Nov 2026: Tue 3 Nov is day 1; three weeks of five days ends on Mon 23 Nov.
    assert add_working_days(date(2026, 11, 2), 15, set(), set()) == date(2026, 11, 23)


def test_a_request_on_friday_starts_counting_on_monday():
    assert add_working_days(date(2026, 11, 6), 1, set(), set()) == date(2026, 11, 9)


def test_tet_does_not_count():
    # Requested Friday 6 Feb 2026: 9–13 Feb (5), Tết 16–20 Feb skipped, 23–27 Feb (10), 2–6 Mar (15).
    assert add_working_days(date(2026, 2, 6), 15, HOLIDAYS_2026, set()) == date(2026, 3, 6)
    assert add_working_days(date(2026, 2, 6), 15, set(), set()) == date(2026, 2, 27)


def test_the_april_and_may_holidays_with_a_make_up_saturday():
    # Requested Thu 24 Apr 2025: Fri 25 (1), Sat 26 make-up (2), Mon 28 (3), Tue 29 (4),
    # 30/4, 1/5, 2/5 off, then Mon 5 May (5).
    assert add_working_days(date(2025, 4, 24), 5, HOLIDAYS_2025, MAKEUP_2025) == date(2025, 5, 5)
    assert is_working_day(date(2025, 4, 26), HOLIDAYS_2025, MAKEUP_2025)
    assert not is_working_day(date(2025, 4, 30), HOLIDAYS_2025, MAKEUP_2025)


def test_working_days_between_counts_after_the_start():
    assert working_days_between(date(2026, 11, 2), date(2026, 11, 2), set(), set()) == 0
    assert working_days_between(date(2026, 11, 2), date(2026, 11, 9), set(), set()) == 5


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.integers(min_value=1, max_value=40))
def test_the_due_day_is_a_working_day_with_exactly_n_working_days_before_it(start, count):
    due = add_working_days(start, count, HOLIDAYS_2026, MAKEUP_2025)
    assert is_working_day(due, HOLIDAYS_2026, MAKEUP_2025)
    assert working_days_between(start, due, HOLIDAYS_2026, MAKEUP_2025) == count
    assert working_days_between(start, due - timedelta(days=1), HOLIDAYS_2026, MAKEUP_2025) == count - 1
