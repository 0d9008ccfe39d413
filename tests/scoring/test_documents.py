"""A juror's document downloads are audited without letting one juror flood the log."""

from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from tests.helpers import login
from tests.nominations.factories import PASSWORD, scoring_round


def test_a_document_opened_again_and_again_is_recorded_once_an_hour(app):
    _round, (nomination,), _secretariat, (juror,) = scoring_round(1)
    client = app.test_client()
    login(client, juror.email, PASSWORD)
    entry, documents = nomination.entries[0], nomination.documents[:2]
    for _ in range(5):
        for document in documents:
            with client.get(f"/scoring/entries/{entry.id}/documents/{document.id}") as response:
                assert response.status_code == 200
    opened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.opened_by_juror")).all()
    assert sorted(event.object_id for event in opened) == sorted(str(d.id) for d in documents)
