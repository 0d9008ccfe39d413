from award_app.audit.services import record
from award_app.extensions import db
from tests.helpers import submit


def test_admins_and_auditors_search_the_log_and_others_cannot(app, client, signed_in, make_user):
    actor = make_user("secretariat", email="thu@monre.gov.vn")
    record("round.created", actor=actor, round_id=7, note="a")
    record("score_sheet.submitted", actor=actor, round_id=7)
    record("round.created", actor=actor, round_id=8)
    db.session.commit()
    signed_in("auditor")
    page = client.get("/audit/?action=round.created&round=7").get_data(as_text=True)
    assert page.count(">round.created</td>") == 1 and "score_sheet.submitted" not in page
    assert "thu@monre.gov.vn" in client.get("/audit/?user=thu@").get_data(as_text=True)
    submit(client, "/accounts/logout", form_url="/")
    signed_in("secretariat")
    assert client.get("/audit/").status_code == 404


def test_a_denied_page_is_logged_for_a_signed_in_user(app, client, signed_in):
    from sqlalchemy import select

    from award_app.audit.models import AuditEvent

    user = signed_in("applicant")
    assert client.get("/rounds/").status_code == 404
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert event.user_id == user.id and event.details["path"] == "/rounds/"
