from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.errors import InvalidTransition, RoundNotEditable, StaleEdit
from award_app.extensions import db
from award_app.rounds import services
from award_app.rounds.models import (
    CalendarDay,
    CalendarDayKind,
    Programme,
    ProgrammeCode,
    Province,
    Round,
    RoundState,
)


def _programme(code: ProgrammeCode) -> Programme:
    return db.session.get(Programme, code)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seeding_twice_changes_nothing(app):
    before = (_count(Programme), _count(Province), _count(CalendarDay))
    assert services.seed_reference_data() == {"programmes": 0, "provinces": 0, "calendar": 0}
    assert (_count(Programme), _count(Province), _count(CalendarDay)) == before == (3, 97, before[2])


def test_provinces_follow_the_2025_merger(app):
    assert len(services.provinces_valid_on(date(2025, 6, 30))) == 63
    assert len(services.provinces_valid_on(date(2025, 7, 1))) == 34
    ha_giang = db.session.get(Province, "ha-giang-63")
    assert ha_giang.successor_id == "tuyen-quang-34"
    assert ha_giang.valid_on(date(2025, 6, 30)) and not ha_giang.valid_on(date(2025, 7, 1))


def test_an_eco_school_round_gets_the_rule_book_defaults(app):
    round_ = services.create_round(_programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    assert round_.state == RoundState.DRAFT
    assert [g.code for g in round_.groups] == ["tieu_hoc", "thcs", "thpt"]
    assert [g.asean_category for g in round_.groups] == ["primary", "secondary", "secondary"]
    (rubric,) = round_.rubrics
    assert [c.max_points for c in rubric.criteria] == [25, 25, 25, 25]
    assert [c.tie_break_rank for c in rubric.criteria] == [1, 2, 3, 4]
    assert {q.category: q.count for q in round_.quotas} == {"primary": 1, "secondary": 1}
    assert [(t.code, t.count_per_group) for t in round_.tiers] == [
        ("nhat", 1), ("nhi", 2), ("ba", 3), ("khuyen_khich", 4), ("sang_tao", 1)]
    assert (round_.prize_threshold, round_.asean_threshold, round_.spread_flag_points) == (
        Decimal("50"), Decimal("70"), 20)
    assert round_.organiser_name == "Bộ Nông nghiệp và Môi trường"


def test_youth_and_city_rounds_get_their_groups_rubrics_and_checklists(app):
    youth = services.create_round(_programme(ProgrammeCode.YOUTH), edition=1, year=2026)
    assert [g.code for g in youth.groups] == ["junior", "senior"]
    assert [c.max_points for c in youth.rubrics[0].criteria] == [35, 20, 20, 15, 10]
    checklist = {i.code: i for i in youth.checklist}
    assert checklist["reference_letters"].min_count == 2 and checklist["reference_letters"].identifying
    assert checklist["action_photos"].min_count == 5
    assert checklist["profile_photo"].max_count == 1

    city = services.create_round(_programme(ProgrammeCode.CITY), edition=1, year=2026)
    assert not city.endorsement_required and not city.blind
    assert len(city.groups) == 1 + 5 * 2  # ESC + five CoR categories × two size classes
    rubrics = {r.code: r for r in city.rubrics}
    assert rubrics["esc"].max_total == rubrics["cor"].max_total == 100
    assert all(q.count == 1 for q in city.quotas)


def test_copying_a_round_keeps_its_set_up_but_not_its_dates(app):
    source = services.create_round(_programme(ProgrammeCode.YOUTH), edition=1, year=2026)
    source.opens_at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    source.closes_at = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    source.blind = True
    source.rubrics[0].criteria[0].max_points = 40
    db.session.flush()
    copy = services.copy_round(source, edition=2, year=2027)
    assert copy.state == RoundState.DRAFT and copy.copied_from_id == source.id
    assert copy.blind and copy.opens_at is None and copy.closes_at is None
    assert [c.max_points for c in copy.rubrics[0].criteria] == [40, 20, 20, 15, 10]
    assert [g.rubric.code for g in copy.groups] == ["youth", "youth"]
    assert {r.id for r in copy.rubrics}.isdisjoint({r.id for r in source.rubrics})


def test_settings_change_only_while_draft_and_with_the_current_version(app):
    round_ = services.create_round(_programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    db.session.commit()
    version = round_.version
    services.update_round_settings(round_, {"theme_vi": "Trường học xanh"}, version=version)
    db.session.commit()
    assert round_.version == version + 1
    with pytest.raises(StaleEdit):
        services.update_round_settings(round_, {"theme_vi": "Cũ"}, version=version)
    db.session.rollback()
    assert round_.theme_vi == "Trường học xanh"
    round_.opens_at = datetime(2026, 3, 1, tzinfo=UTC)
    round_.closes_at = datetime(2026, 5, 1, tzinfo=UTC)
    services.advance_round(round_, RoundState.OPEN)
    with pytest.raises(RoundNotEditable):
        services.update_round_settings(round_, {"theme_vi": "Mới"}, version=round_.version)


def test_a_city_round_is_never_blind(app):
    round_ = services.create_round(_programme(ProgrammeCode.CITY), edition=1, year=2026)
    services.update_round_settings(round_, {"blind": True}, version=round_.version)
    assert round_.blind is False


def test_opening_needs_dates_and_gives_every_reason_at_once(app):
    round_ = services.create_round(_programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    round_.organiser_name = " "
    with pytest.raises(InvalidTransition) as refused:
        services.advance_round(round_, RoundState.OPEN)
    with force_locale("en"):
        message = str(refused.value.message)
    assert "opening and closing" in message and "organiser" in message
    assert round_.state == RoundState.DRAFT


def test_a_round_moves_only_forward_and_never_into_approval_here(app):
    round_ = services.create_round(_programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    round_.opens_at = datetime(2026, 3, 1, tzinfo=UTC)
    round_.closes_at = datetime(2026, 5, 1, tzinfo=UTC)
    with pytest.raises(InvalidTransition):
        services.advance_round(round_, RoundState.SCORING)
    for state in (RoundState.OPEN, RoundState.CLOSED, RoundState.SCREENING, RoundState.SCORING,
                  RoundState.COUNCIL):
        services.advance_round(round_, state)
    with pytest.raises(InvalidTransition):
        services.advance_round(round_, RoundState.APPROVED)
    assert not round_.is_frozen
    round_.state = RoundState.APPROVED
    assert round_.is_frozen


def test_editing_criteria_adds_changes_and_removes_rows(app):
    round_ = services.create_round(_programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    rubric = round_.rubrics[0]
    first, second, *rest = rubric.criteria
    rows = [
        {"id": first.id, "name_vi": "Chính sách", "name_en": "Policy", "description_vi": "", "description_en": "",
         "max_points": 30, "delete": False},
        {"id": second.id, "delete": True},
        *({"id": c.id, "name_vi": c.name_vi, "name_en": c.name_en, "description_vi": "", "description_en": "",
           "max_points": c.max_points, "delete": False} for c in rest),
        {"id": None, "name_vi": "Đổi mới", "name_en": "Innovation", "description_vi": "", "description_en": "",
         "max_points": 20, "delete": False},
    ]
    services.update_criteria(round_, rubric, rows, version=round_.version)
    db.session.flush()
    assert [(c.code, c.max_points, c.position) for c in rubric.criteria] == [
        ("policy", 30, 1), ("facilities", 25, 2), ("partnership", 25, 3), ("innovation", 20, 4)]


def test_calendar_days_are_checked(app):
    saturday = date(2026, 1, 10)
    services.add_calendar_day(saturday, CalendarDayKind.MAKEUP_WORKDAY, "Làm bù", "Make-up day")
    with pytest.raises(InvalidTransition):
        services.add_calendar_day(saturday, CalendarDayKind.MAKEUP_WORKDAY, "Làm bù", "Make-up day")
    with pytest.raises(InvalidTransition):
        services.add_calendar_day(date(2026, 1, 12), CalendarDayKind.MAKEUP_WORKDAY, "Thứ Hai", "Monday")
    assert saturday in [d.day for d in services.calendar_year(2026)]


def test_the_seeded_calendar_knows_tet_2026(app):
    days = {d.day: d.kind for d in services.calendar_year(2026)}
    assert all(days[date(2026, 2, d)] == CalendarDayKind.HOLIDAY for d in range(16, 21))
    assert {d.year for d in days} == {2026}
    assert _count(Round) == 0
