"""Time in one module (award_app/clock.py): the UTC clock, Viet Nam's zone and its calendar day."""

import ast
from datetime import UTC, date, datetime, time
from pathlib import Path

from award_app import clock
from config import Config

ROOT = Path(__file__).resolve().parent.parent / "award_app"


def test_the_day_in_viet_nam_turns_seven_hours_before_utc():
    assert clock.day_in_vietnam(datetime(2026, 12, 31, 16, 59, tzinfo=UTC)) == date(2026, 12, 31)
    assert clock.day_in_vietnam(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == date(2027, 1, 1)
    assert clock.from_vietnam_time(datetime(2027, 1, 1, 0, 0)) == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert clock.from_vietnam_time(datetime.combine(date(2026, 6, 1), time.max)).hour == 16


def test_today_in_viet_nam_is_the_clock_s_day_there():
    before = clock.utcnow()
    today = clock.today_in_vietnam()
    assert before.tzinfo is UTC
    assert today in {clock.day_in_vietnam(before), clock.day_in_vietnam(clock.utcnow())}


def test_the_pages_show_times_in_the_same_zone():
    assert clock.VIETNAM.key == Config.BABEL_DEFAULT_TIMEZONE


def _reads_the_time_itself(node: ast.AST) -> bool:
    """`datetime.now(…)`, `datetime.utcnow()`, `date.today()`, `ZoneInfo(…)` or the zone's name spelled out."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return (func.value.id, func.attr) in {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"),
                                                  ("datetime", "today")}
        return isinstance(func, ast.Name) and func.id == "ZoneInfo"
    return isinstance(node, ast.Constant) and node.value == clock.VIETNAM.key


def test_no_module_but_the_clock_reads_the_time_or_names_the_zone():
    offenders = [f"{path.relative_to(ROOT.parent)}:{node.lineno}" for path in sorted(ROOT.rglob("*.py"))
                 if path != ROOT / "clock.py"
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if _reads_the_time_itself(node)]
    assert offenders == []
