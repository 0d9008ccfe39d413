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
    assert page.count("<td>round.created</td>") == 1 and "score_sheet.submitted" not in page
    assert "thu@monre.gov.vn" in client.get("/audit/?user=thu@").get_data(as_text=True)
    submit(client, "/accounts/logout", form_url="/")
    signed_in("secretariat")
    assert client.get("/audit/").status_code == 404
