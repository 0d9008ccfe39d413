"""Reminders: jurors 3 days and 1 day before the scoring deadline, applicants 3 and 1 working days before
their documents are due; one digest per person per day, in their language; a frozen "today"."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from award_app.clock import VIETNAM
from award_app.eligibility import services as eligibility
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from award_app.reminders.models import ReminderDigest
from award_app.reminders.services import send_reminders
from award_app.rounds.models import CalendarDay, CalendarDayKind
from tests.fixtures_dossiers import open_round, school_applicant, submitted_school_dossier
from tests.nominations.factories import score, scoring_round, staff

POINTS = (20, 20, 20, 20)


def digests(kind: str = "reminder_digest") -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def scoring(app):
    """Two dossiers, two jurors; the first has submitted both sheets, the second one of them. Scoring
    closes on 10/12/2026 at 17:00 in Viet Nam."""
    round_, dossiers, _secretariat, (first, second) = scoring_round(2, jurors=2)
    for nomination in dossiers:
        score(nomination, first, POINTS)
    score(dossiers[0], second, POINTS)
    score(dossiers[1], second, POINTS, submit=False)  # a draft is not finished
    second.locale = "en"
    round_.scoring_deadline = datetime(2026, 12, 10, 17, 0, tzinfo=VIETNAM).astimezone(UTC)
    db.session.commit()
    return round_, first, second


def test_a_juror_with_an_unfinished_sheet_is_reminded_3_days_and_1_day_before_the_deadline(scoring):
    _round, first, second = scoring
    assert send_reminders(date(2026, 12, 6)) == 0  # 4 days before
    assert send_reminders(date(2026, 12, 7)) == 1
    db.session.commit()
    (message,) = digests()
    assert message.to_email == second.email  # the first juror has submitted everything
    assert "1 score sheet(s), due 10/12/2026 17:00" in message.body and "/scoring" in message.body
    assert send_reminders(date(2026, 12, 8)) == 0  # 2 days before
    assert send_reminders(date(2026, 12, 9)) == 1
    assert send_reminders(date(2026, 12, 10)) == 0  # the day itself: too late to be a reminder


def test_running_twice_on_a_day_sends_nothing_more(scoring):
    assert send_reminders(date(2026, 12, 7)) == 1
    db.session.commit()
    assert send_reminders(date(2026, 12, 7)) == 0
    db.session.commit()
    assert len(digests()) == 1 and len(db.session.scalars(select(ReminderDigest)).all()) == 1


def test_the_database_refuses_a_second_digest_for_a_person_on_a_day(scoring):
    _round, _first, second = scoring
    db.session.add_all([ReminderDigest(user_id=second.id, day=date(2026, 12, 7)),
                        ReminderDigest(user_id=second.id, day=date(2026, 12, 7))])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_juror_whose_sheets_are_all_submitted_or_whose_round_is_not_scoring_gets_nothing(scoring):
    round_, _first, second = scoring
    round_.state = round_.state.__class__.COUNCIL
    db.session.commit()
    assert send_reminders(date(2026, 12, 7)) == 0


@pytest.fixture
def missing_documents(app, make_user):
    """A dossier whose documents are due on Thursday 10/12/2026; its applicant reads Vietnamese."""
    round_ = open_round()
    round_.endorsement_required = False
    nomination = submitted_school_dossier(round_, school_applicant())
    item = round_.checklist[0]
    eligibility.request_documents(nomination, [item.id], "Thiếu phiếu đăng ký.", actor=make_user("secretariat"))
    eligibility.open_request(nomination).due_on = date(2026, 12, 10)
    db.session.commit()
    return nomination


def test_an_applicant_is_reminded_3_and_1_working_days_before_the_documents_are_due(missing_documents):
    assert send_reminders(date(2026, 12, 4)) == 0  # Friday: Mon, Tue, Wed, Thu are 4 working days
    assert send_reminders(date(2026, 12, 7)) == 1  # Monday: 3 left
    assert send_reminders(date(2026, 12, 8)) == 0
    assert send_reminders(date(2026, 12, 9)) == 1  # Wednesday: 1 left
    db.session.commit()
    first, last = digests()
    assert first.to_email == missing_documents.applicant.email
    assert f"Hồ sơ {missing_documents.reference}" in first.body and "10/12/2026" in first.body
    assert "còn 3 ngày làm việc" in first.body and "còn 1 ngày làm việc" in last.body
    assert f"/nominations/{missing_documents.id}" in first.body


def test_a_public_holiday_does_not_count_as_a_working_day_left(missing_documents):
    db.session.add(CalendarDay(day=date(2026, 12, 8), kind=CalendarDayKind.HOLIDAY, name_vi="Nghỉ", name_en="Off"))
    db.session.commit()
    assert send_reminders(date(2026, 12, 7)) == 0  # Wed and Thu: 2 left
    assert send_reminders(date(2026, 12, 4)) == 1  # Mon, Wed, Thu: 3 left


def test_documents_already_sent_bring_no_reminder(missing_documents):
    eligibility.send_requested_documents(missing_documents, actor=missing_documents.applicant)
    db.session.commit()
    assert send_reminders(date(2026, 12, 7)) == 0


def test_the_command_sends_the_day_s_digests_once(scoring, runner):
    first = runner.invoke(args=["reminders", "send", "--today", "2026-12-07"])
    again = runner.invoke(args=["reminders", "send", "--today", "2026-12-07"])
    assert "1 people" in first.output and "0 people" in again.output
    assert len(digests()) == 1


def test_a_person_in_charge_of_nothing_due_gets_nothing(app):
    staff("secretariat")
    assert send_reminders(date(2026, 12, 7)) == 0
