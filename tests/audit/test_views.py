import ast
from pathlib import Path

from award_app.audit.labels import ACTION_LABELS
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
    assert page.count(">round.created</code>") == 1 and ">score_sheet.submitted</code>" not in page
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


def test_the_log_names_actions_and_objects_in_the_readers_language_and_keeps_the_codes(app, client, signed_in,
                                                                                        make_user):
    actor = make_user("secretariat", email="thu@monre.gov.vn")
    record("score_sheet.submitted", actor, actor=actor, round_id=3)
    record("something.new", actor=actor)  # a code without a label shows as itself
    db.session.commit()
    signed_in("auditor")
    page = client.get("/audit/").get_data(as_text=True)
    assert "Nộp phiếu chấm" in page and ">score_sheet.submitted</code>" in page
    assert f'title="User">Tài khoản {actor.id}</span>' in page
    assert "something.new" in page
    filtered = client.get("/audit/?action=score_sheet").get_data(as_text=True)
    assert "Nộp phiếu chấm" in filtered and "something.new</code>" not in filtered


ROOT = Path(__file__).resolve().parents[2] / "award_app"
# Codes the source builds rather than spells out: `round.{what}_changed` for the rows edited in place.
BUILT_CODES = {"round.groups_changed", "round.tiers_changed", "round.quotas_changed"}


def _codes_spelled_out() -> set[str]:
    """Every action code passed to `record(...)` or as `action=` (to `set_state`) in the application."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            arguments = [node.args[0]] if name == "record" and node.args else []
            arguments += [k.value for k in node.keywords if k.arg == "action"]
            for argument in (a for a in arguments if not isinstance(a, ast.JoinedStr)):  # see BUILT_CODES
                codes |= {n.value for n in ast.walk(argument)
                          if isinstance(n, ast.Constant) and isinstance(n.value, str) and "." in n.value}
    return codes


def test_every_action_the_application_records_has_a_label():
    recorded = _codes_spelled_out() | BUILT_CODES
    assert {"auth.sign_in", "account.disabled", "nomination.screened"} <= recorded  # the search finds them
    assert sorted(recorded - ACTION_LABELS.keys()) == []
