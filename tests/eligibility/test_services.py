"""Screening: the secretariat decides eligible or ineligible after the call closes, with a reason
the applicant reads."""

import html
import unicodedata

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.eligibility import services
from award_app.eligibility.models import ScreeningDecision, ScreeningOutcome
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.nominations.models import Nomination, NominationState
from award_app.rounds.models import RoundState
from tests.helpers import login, submit
from tests.nominations.factories import advance, applicant, draft, open_round, staff, submitted

REASON = "Hồ sơ thiếu xác nhận của Sở Giáo dục và Đào tạo."


def english(error) -> str:
    with force_locale("en"):
        return error.message


def decisions() -> int:
    return db.session.scalar(select(func.count()).select_from(ScreeningDecision))


def client_for(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user)
    return client


def screening_round():
    round_ = open_round()
    nomination = submitted(round_)
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    return round_, nomination, staff("secretariat")


def test_ineligible_without_a_reason_is_refused(app):
    _, nomination, secretariat = screening_round()
    for blank in ("", "   ", None):
        with pytest.raises(InvalidTransition) as refused:
            services.screen(nomination, ScreeningOutcome.INELIGIBLE, blank, actor=secretariat)
        assert english(refused.value) == "Give the applicant the reason why the dossier is ineligible."
        db.session.rollback()
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED
    assert decisions() == 0


def test_eligible_needs_no_reason_and_a_decision_can_be_corrected_during_screening(app):
    _, nomination, secretariat = screening_round()
    services.screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    db.session.commit()
    assert nomination.state == NominationState.ELIGIBLE
    services.screen(nomination, ScreeningOutcome.INELIGIBLE, REASON, actor=secretariat)
    db.session.commit()
    assert (nomination.state, nomination.state_reason) == (NominationState.INELIGIBLE, REASON)
    assert decisions() == 2


@pytest.mark.parametrize("state", [RoundState.OPEN, RoundState.SCORING])
def test_screening_is_refused_outside_the_screening_stage(app, state):
    round_ = open_round()
    nomination = submitted(round_)
    if state == RoundState.SCORING:
        advance(round_, RoundState.CLOSED, RoundState.SCREENING, RoundState.SCORING)
    secretariat = staff("secretariat")
    with pytest.raises(InvalidTransition) as refused:
        services.screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    assert "after the call closes" in english(refused.value)
    db.session.rollback()
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED and decisions() == 0


def test_the_screening_form_refuses_a_decision_while_the_call_is_open(app):
    round_ = open_round()
    nomination = submitted(round_)
    client = client_for(app, staff("secretariat"))
    response = submit(client, f"/screening/nominations/{nomination.id}", {"outcome": "eligible"}, form_url="/")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED and decisions() == 0


def test_a_draft_or_withdrawn_dossier_is_not_screened(app):
    round_ = open_round()
    unsent = draft(round_, applicant("school"))  # never submitted
    gone = submitted(round_)
    gone.state = NominationState.WITHDRAWN
    db.session.commit()
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    secretariat = staff("secretariat")
    for nomination in (unsent, gone):
        with pytest.raises(InvalidTransition):
            services.screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
        db.session.rollback()
    assert decisions() == 0


def test_the_web_form_refuses_ineligible_without_a_reason(app):
    _, nomination, secretariat = screening_round()
    client = client_for(app, secretariat)
    url = f"/screening/nominations/{nomination.id}"
    response = submit(client, url, {"outcome": "ineligible", "reason": "  "}, follow_redirects=True)
    assert "Give the applicant the reason why the dossier is ineligible." in html.unescape(
        response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED and decisions() == 0


def test_the_applicant_reads_the_reason_in_nfc(app):
    _, nomination, secretariat = screening_round()
    staff_client = client_for(app, secretariat)
    typed = unicodedata.normalize("NFD", REASON)
    response = submit(staff_client, f"/screening/nominations/{nomination.id}", {"outcome": "ineligible",
                                                                                "reason": typed})
    assert response.status_code == 302
    owner_page = client_for(app, nomination.applicant).get(f"/nominations/{nomination.id}")
    assert REASON in html.unescape(owner_page.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.INELIGIBLE


def test_only_the_secretariat_screens(app):
    _, nomination, _ = screening_round()
    for user in (staff("approver"), staff("auditor"), nomination.applicant):
        client = client_for(app, user)
        response = submit(client, f"/screening/nominations/{nomination.id}", {"outcome": "eligible"}, form_url="/")
        assert response.status_code == 404
    applicant_client = client_for(app, nomination.applicant)
    assert applicant_client.get(f"/screening/round/{nomination.round_id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED and decisions() == 0
