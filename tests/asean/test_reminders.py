"""ASEAN's deadline is a round date: nominees with an open supplement are reminded 3 days and 1 day before it is
due, the secretariat 7 days and 1 day before ASEAN's deadline."""

from datetime import date

from sqlalchemy import select

from award_app.asean import services
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from award_app.reminders.services import send_reminders
from tests.asean.factories import approved_round, complete_youth, requested, youth_round


def _digests() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder_digest")
                              .order_by(OutboxMessage.id)).all()


def test_a_nominee_with_an_open_supplement_is_reminded_before_it_is_due(app):
    round_, dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    nominee = dossiers[0].applicant
    nominee.locale = "en"
    db.session.commit()
    due = supplement.due_on
    assert send_reminders(date.fromordinal(due.toordinal() - 4)) == 0
    assert send_reminders(date.fromordinal(due.toordinal() - 3)) == 1
    db.session.commit()
    (message,) = _digests()
    assert message.to_email == nominee.email
    assert f"complete it by {due:%d/%m/%Y} (3 day(s) left)" in message.body
    assert f"/asean/supplements/{supplement.id}" in message.body


def test_a_sent_supplement_is_not_reminded(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    complete_youth(supplement, dossiers[0].applicant)
    services.send_supplement(supplement, actor=dossiers[0].applicant)
    db.session.commit()
    assert send_reminders(date.fromordinal(supplement.due_on.toordinal() - 1)) == 0


def test_the_secretariat_is_reminded_of_asean_s_deadline(app):
    round_, _dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    secretariat.locale = "en"
    db.session.commit()
    deadline = supplement.call.deadline
    assert send_reminders(date.fromordinal(deadline.toordinal() - 7)) == 1
    db.session.commit()
    (message,) = _digests()
    assert message.to_email == secretariat.email
    assert f"ASEAN's deadline {deadline:%d/%m/%Y}; 1 supplement(s) not sent yet; the package is not made yet" in (
        message.body)
    assert f"/asean/round/{round_.id}" in message.body
