"""Time, in one place: the UTC clock every stored moment comes from, and Viet Nam's zone and calendar day, in
which deadlines, working days, reminders and what users type are counted.

Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving); config.BABEL_DEFAULT_TIMEZONE names the same zone
for the pages' dates and times.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def day_in_vietnam(moment: datetime) -> date:
    """The calendar day in Viet Nam at an aware moment: 31/12 18:00 UTC is already 1 January there."""
    return moment.astimezone(VIETNAM).date()


def today_in_vietnam() -> date:
    return day_in_vietnam(utcnow())


def from_vietnam_time(local: datetime) -> datetime:
    """A wall-clock time in Viet Nam (naive, as typed or combined from a day) as an aware UTC moment."""
    return local.replace(tzinfo=VIETNAM).astimezone(UTC)
