"""ASEAN's result comes back: audited, shown on the certificate's verification page, the public results and the
exports, and a winner is refused in a later round."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from award_app.approval import services as approval
from award_app.asean import services
from award_app.audit.models import AuditEvent
from award_app.certificates.services import issue_for_round
from award_app.errors import InvalidTransition, StaleEdit
from award_app.extensions import db
from award_app.nominations import services as nominations
from award_app.rounds.models import HonouredName, ProgrammeCode
from tests.asean.factories import approved_round, city_round, youth_round
from tests.helpers import login
from tests.nominations.factories import ECO_SCHOOL, YOUTH, applicant, draft, open_round, staff, upload_required

AWARD = {"outcome": "award", "meeting": "ASEAN Ministerial Meeting on Environment", "reference": "AMME-2027/05",
         "decided_on": date(2027, 10, 12)}


def _award(round_, nomination, secretariat, values=AWARD):
    result = services.record_result(nomination.entries[0], values, version=None, actor=secretariat)
    db.session.commit()
    return result


def _submission_problems(nomination) -> list[str]:
    with force_locale("en"), pytest.raises(nominations.SubmissionRefused) as refused:
        nominations.submit(nomination, form_errors=[], actor=nomination.applicant)
    db.session.rollback()
    with force_locale("en"):
        return [str(m) for m in refused.value.messages]


def test_the_result_is_audited_old_to_new_and_a_stale_correction_refused(app):
    round_, dossiers, secretariat = approved_round()
    result = _award(round_, dossiers[0], secretariat)
    version = result.version
    services.record_result(dossiers[0].entries[0], {**AWARD, "outcome": "not_selected"}, version=version,
                           actor=secretariat)
    db.session.commit()
    with pytest.raises(StaleEdit):
        services.record_result(dossiers[0].entries[0], AWARD, version=version, actor=secretariat)
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "asean.result_recorded")
                                .order_by(AuditEvent.id)).all()
    assert [e.details["new"]["outcome"] for e in events] == ["award", "not_selected"]
    assert events[1].details["old"]["outcome"] == "award"


def test_only_a_nominee_gets_a_result_and_a_certificate_of_recognition_needs_its_category(app):
    round_, dossiers, secretariat = approved_round()
    with pytest.raises(InvalidTransition):
        services.record_result(dossiers[1].entries[0], AWARD, version=None, actor=secretariat)  # 69 points
    city, (town,), city_secretariat = city_round()
    cor = next(e for e in town.entries if e.group.code.startswith("cor_"))
    with pytest.raises(InvalidTransition):
        services.record_result(cor, {**AWARD, "outcome": "certificate_of_recognition"}, version=None,
                               actor=city_secretariat)
    db.session.rollback()
    result = services.record_result(cor, {**AWARD, "outcome": "certificate_of_recognition",
                                          "cor_category": "clean_air", "size_class": "big"}, version=None,
                                    actor=city_secretariat)
    db.session.commit()
    with force_locale("en"):
        assert result.description == "ASEAN Certificate of Recognition: Clean Air (big city)"
    assert db.session.scalars(select(HonouredName)).all() == []  # cities are not excluded from later rounds


def test_the_result_shows_on_verification_the_public_results_and_the_exports(app, client):
    round_, dossiers, secretariat = approved_round()
    certificate = next(c for c in issue_for_round(round_, actor=secretariat)
                       if c.entry.nomination_id == dossiers[0].id)
    approval.publish(round_, actor=staff("approver"))
    db.session.commit()
    _award(round_, dossiers[0], secretariat)
    page = client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "ASEAN award – ASEAN Ministerial Meeting on Environment, AMME-2027/05, 12/10/2027" in page
    results = client.get(f"/approval/results/{round_.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "ASEAN award (AMME-2027/05)" in results
    login(client, staff("auditor"))
    csv = client.get(f"/exports/round/{round_.id}/results.csv", headers={"Accept-Language": "en"})
    assert "ASEAN award (ASEAN Ministerial Meeting on Environment, AMME-2027/05)" in csv.get_data(as_text=True)


def test_an_asean_eco_school_cannot_enter_a_later_round(app):
    round_, dossiers, secretariat = approved_round()
    _award(round_, dossiers[0], secretariat)
    later = open_round(year=2027, edition=2)
    again = draft(later, applicant("school"), ECO_SCHOOL)  # the same school, the same province
    upload_required(again, again.applicant)
    assert _submission_problems(again) == [
        "“Trường THCS Nguyễn Trãi” was already honoured at ASEAN level (ASEAN Eco-schools Award, AMME-2027/05, "
        "2027): the rules exclude it from later rounds."]
    namesake = draft(later, applicant("school"), {**ECO_SCHOOL, "province_id": "da-nang-34"})
    upload_required(namesake, namesake.applicant)
    nominations.submit(namesake, form_errors=[], actor=namesake.applicant)  # another school of that name: flagged
    db.session.commit()
    assert namesake.flags == ["honoured:Trường THCS Nguyễn Trãi"]


def test_a_corrected_result_lets_the_school_enter_again(app):
    round_, dossiers, secretariat = approved_round()
    result = _award(round_, dossiers[0], secretariat)
    services.record_result(dossiers[0].entries[0], {**AWARD, "outcome": "not_selected"}, version=result.version,
                           actor=secretariat)
    db.session.commit()
    assert db.session.scalars(select(HonouredName)).all() == []
    later = open_round(year=2027, edition=2)
    again = draft(later, applicant("school"), ECO_SCHOOL)
    upload_required(again, again.applicant)
    nominations.submit(again, form_errors=[], actor=again.applicant)
    db.session.commit()


def test_an_asean_youth_winner_cannot_be_nominated_again(app):
    round_, dossiers, secretariat = youth_round()
    _award(round_, dossiers[0], secretariat)
    later = open_round(ProgrammeCode.YOUTH, year=2027, edition=2)
    again = draft(later, applicant("young_person"), {**YOUTH, "nominee_name": "TRAN THI MAI"})
    upload_required(again, again.applicant)
    problems = _submission_problems(again)
    assert any("was already honoured at ASEAN level" in p for p in problems)

