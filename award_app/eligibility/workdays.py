"""Working-day arithmetic for document requests (pure: no database, no request).

An incomplete dossier gets 15 working days: the ministry's regulation of the Vietnam Environment
Award, Circular 62/2015/TT-BTNMT. The count starts the day after the request (Civil Code 2015,
Art. 147). Saturdays, Sundays and public holidays do not count; make-up working Saturdays
(ngày làm bù) do.
"""

from collections.abc import Collection
from datetime import date, timedelta

DOCUMENT_REQUEST_WORKING_DAYS = 15


def is_working_day(day: date, holidays: Collection[date], makeup_days: Collection[date]) -> bool:
    if day in makeup_days:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, count: int, holidays: Collection[date], makeup_days: Collection[date]) -> date:
    """The day on which the `count`-th working day after `start` falls (start itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if is_working_day(day, holidays, makeup_days):
            counted += 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date], makeup_days: Collection[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays, makeup_days):
            count += 1
    return count
