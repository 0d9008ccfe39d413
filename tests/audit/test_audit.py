import pytest
from sqlalchemy import select, text

from award_app.audit.models import AuditEvent
from award_app.audit.services import record
from award_app.extensions import db
from award_app.rounds.models import Programme, ProgrammeCode
from award_app.rounds.services import create_round


def test_an_event_is_written_in_the_same_transaction_as_the_change(app, make_user):
    actor = make_user("secretariat")
    programme = db.session.get(Programme, ProgrammeCode.ECO_SCHOOL)
    round_ = create_round(programme, edition=1, year=2026, actor=actor)
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.created")).all() == []
    round_ = create_round(programme, edition=1, year=2026, actor=actor)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.created")).one()
    assert (event.user_id, event.object_type, event.object_id, event.round_id) == (
        actor.id, "Round", str(round_.id), round_.id)
    assert event.at.tzinfo is not None


def test_the_database_refuses_to_change_or_delete_an_event(app):
    record("test.event", note="kept")
    db.session.commit()
    for statement in ("UPDATE audit_event SET action = 'rewritten'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.scalars(select(AuditEvent.action)).all() == ["test.event"]


def test_details_are_stored_as_plain_json(app):
    from datetime import date
    from decimal import Decimal

    event = record("test.values", day=date(2026, 11, 24), amount=Decimal("12.50"), roles={"admin"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert stored.details == {"day": "2026-11-24", "amount": "12.50", "roles": ["admin"]}
