"""Pure checks on a round's set-up (no database, no request)."""

from datetime import date

from flask_babel import lazy_gettext as _l

from award_app.rounds.models import CalendarDayKind

# Thresholds (50 for a prize, 70 for ASEAN) are on a 100-point scale.
RUBRIC_TOTAL = 100


def opening_problems(round_) -> list:
    """Everything that must be true before a call for nominations opens, all reasons at once."""
    problems = []
    if round_.opens_at is None or round_.closes_at is None:
        problems.append(_l("Set the opening and closing times of the call."))
    elif round_.closes_at <= round_.opens_at:
        problems.append(_l("The call must close after it opens."))
    if not round_.organiser_name.strip():
        problems.append(_l("Enter the organiser's name."))
    if not round_.groups:
        problems.append(_l("The round needs at least one ranking group."))
    for rubric in round_.rubrics:
        if not rubric.criteria:
            problems.append(_l("The rubric “%(name)s” has no criteria.", name=rubric.name_vi))
        elif rubric.max_total != RUBRIC_TOTAL:
            problems.append(_l("The criteria of “%(name)s” add up to %(total)d points, not 100.",
                               name=rubric.name_vi, total=rubric.max_total))
    if round_.asean_threshold < round_.prize_threshold:
        problems.append(_l("The ASEAN threshold cannot be lower than the prize threshold."))
    return problems


def calendar_day_problem(day: date, kind: CalendarDayKind, *, already_listed: bool):
    """A make-up working day is a Saturday (ngày làm bù); a holiday listed twice is refused."""
    if already_listed:
        return _l("%(day)s is already in the calendar.", day=day.strftime("%d/%m/%Y"))
    if kind == CalendarDayKind.MAKEUP_WORKDAY and day.weekday() != 5:
        return _l("A make-up working day must be a Saturday.")
    if kind == CalendarDayKind.HOLIDAY and day.weekday() >= 5:
        return _l("Saturdays and Sundays are never working days; enter the weekday given off in lieu instead.")
    return None
