"""Approval: only the council's proposal, never by one of its jurors, and it freezes the round."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.accounts import services as accounts
from award_app.accounts.models import CouncilMembership, Role
from award_app.approval import services
from award_app.approval.models import Decision
from award_app.clock import utcnow
from award_app.eligibility import services as eligibility
from award_app.eligibility.models import ScreeningDecision, ScreeningOutcome
from award_app.errors import DomainError, InvalidTransition, RoundFrozen
from award_app.exports.services import results_rows
from award_app.extensions import db
from award_app.jury import services as jury
from award_app.jury.models import Assignment
from award_app.nominations import lifecycle
from award_app.nominations import services as nominations
from award_app.nominations.models import Document, Nomination, NominationState
from award_app.ranking import services as ranking
from award_app.ranking.models import RankingRun
from award_app.rounds.models import RoundState
from award_app.rounds.services import create_round
from award_app.scoring import services as scoring
from award_app.scoring.models import Score, ScoreSheet
from tests.helpers import login, submit
from tests.nominations.factories import (
    ECO_SCHOOL,
    PDF,
    add_member,
    approve,
    council_round,
    score,
    scoring_round,
    staff,
)

DECISION = {"number": "123/QĐ-BNNMT", "signed_on": "15/12/2026", "signer_name": "Lê Minh Đức",
            "signer_title": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"}


def english(error) -> str:
    with force_locale("en"):
        return error.message


def client_for(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user)
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- who approves, and when -----------------------------------------------------------------

def test_approval_is_refused_before_the_council_stage(app):
    round_, dossiers, secretariat, council = scoring_round(1)
    score(dossiers[0], council[0], (22, 24, 23, 21))
    run = ranking.compute(round_, actor=secretariat)
    db.session.commit()
    approver = staff("approver")
    with pytest.raises(InvalidTransition) as refused:
        services.approve(round_, run, number="1/QĐ", signed_on=date(2026, 12, 1), signer_name="A", signer_title="B",
                         actor=approver)
    assert english(refused.value) == "Only a proposal handed over by the council can be approved."
    db.session.rollback()
    response = submit(client_for(app, approver), f"/approval/round/{round_.id}", DECISION)
    assert response.status_code == 404
    db.session.expire_all()
    assert round_.state == RoundState.SCORING and count(Decision) == 0


def test_the_approver_approves_the_councils_proposal_and_the_round_is_frozen(app):
    round_, (first, second), _, _, run = council_round()
    response = submit(client_for(app, staff("approver")), f"/approval/round/{round_.id}", DECISION)
    assert response.status_code == 302
    db.session.expire_all()
    assert round_.state == RoundState.APPROVED and round_.is_frozen
    decision = db.session.scalar(select(Decision))
    assert (decision.number, decision.signed_on, decision.ranking_run_id) == ("123/QĐ-BNNMT", date(2026, 12, 15),
                                                                              run.id)
    assert db.session.get(Nomination, first.id).state == NominationState.AWARDED


def test_an_approver_who_sits_on_the_rounds_council_cannot_approve(app):
    round_, _, _, (member,), _ = council_round()
    accounts.set_roles(member, {Role.APPROVER})  # became an approver after joining the council
    db.session.commit()
    client = client_for(app, member)
    response = submit(client, f"/approval/round/{round_.id}", DECISION)
    assert response.status_code == 404
    db.session.expire_all()
    assert round_.state == RoundState.COUNCIL and count(Decision) == 0


def test_an_approver_on_the_council_of_another_round_may_approve_this_one(app):
    round_, _, _, _, _ = council_round()
    approver = staff("approver")
    other_round = create_round(round_.programme, edition=2, year=2027)
    db.session.add(CouncilMembership(round_id=other_round.id, user=approver, accepted_at=utcnow()))
    db.session.commit()
    assert submit(client_for(app, approver), f"/approval/round/{round_.id}", DECISION).status_code == 302
    db.session.expire_all()
    assert round_.state == RoundState.APPROVED


def test_a_withdrawal_after_the_proposal_reopens_it(app):
    round_, (winner, _), _, _, run = council_round()
    lifecycle.withdraw(winner, "Trường xin rút hồ sơ.", actor=winner.applicant)
    db.session.commit()
    try:
        approve(round_, run, staff("approver"))
    except DomainError:
        db.session.rollback()
        assert round_.state == RoundState.COUNCIL
        return
    decision = db.session.scalar(select(Decision))
    prizes = {row[2]: row[7] for row in results_rows(decision)}
    assert not prizes.get(winner.reference), "the withdrawn dossier keeps its prize in the approved results"


# -- approval freezes everything ------------------------------------------------------------

def snapshot(upload_folder: str) -> dict:
    db.session.expire_all()
    root = Path(upload_folder)
    return {
        "nominations": sorted((n.id, n.state, n.version, str(n.details)) for n in db.session.scalars(
            select(Nomination))),
        "documents": count(Document),
        "screening": count(ScreeningDecision),
        "council": sorted((m.user_id, m.withdrawn_at is None) for m in db.session.scalars(select(CouncilMembership))),
        "assignments": count(Assignment),
        "sheets": sorted((s.id, s.state, s.total, s.version) for s in db.session.scalars(select(ScoreSheet))),
        "scores": sorted((s.id, s.points, s.comment) for s in db.session.scalars(select(Score))),
        "runs": count(RankingRun),
        "decisions": count(Decision),
        "files": sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else [],
    }


@pytest.fixture
def approved(app):
    """An approved round with one awarded and one not selected dossier (40 points, below the prize threshold)."""
    round_, dossiers, secretariat, council, run = council_round(((22, 24, 23, 21), (10, 10, 10, 10)))
    approve(round_, run, staff("approver"))
    return round_, dossiers, secretariat, council, run


def _save_dossier(round_, dossiers, secretariat, council, run):
    nomination = dossiers[0]
    nominations.save_dossier(nomination, {"pupils": ["1"]}, {**ECO_SCHOOL, "pupils": 1}, version=None,
                             actor=nomination.applicant)


def _upload(round_, dossiers, secretariat, council, run):
    nomination = dossiers[0]
    item = next(i for i in round_.checklist if i.code == "registration_form")
    nominations.add_document(nomination, item, None, io.BytesIO(PDF + b"new"), "moi.pdf", actor=nomination.applicant)


def _withdraw(round_, dossiers, secretariat, council, run):
    lifecycle.withdraw(dossiers[1], "Rút hồ sơ sau khi có kết quả.", actor=dossiers[1].applicant)


def _screen(round_, dossiers, secretariat, council, run):
    eligibility.screen(dossiers[1], ScreeningOutcome.INELIGIBLE, "Phát hiện hồ sơ sai.", actor=secretariat)


def _add_member(round_, dossiers, secretariat, council, run):
    add_member(round_, staff(full_name="Vũ Thị Hoa"), secretariat)


def _assign(round_, dossiers, secretariat, council, run):
    newcomer = staff(full_name="Vũ Thị Hoa")
    db.session.add(CouncilMembership(round_id=round_.id, user=newcomer, accepted_at=utcnow()))
    db.session.flush()
    jury.assign(dossiers[1], newcomer, actor=secretariat)


def _save_sheet(round_, dossiers, secretariat, council, run):
    sheet = scoring.sheet_for(dossiers[1].entries[0], council[0])
    inputs = [scoring.ScoreInput(s.criterion_id, 25, "Sửa điểm.") for s in sheet.scores]
    scoring.save_sheet(sheet, inputs, version=None, submit=False, actor=council[0])


def _compute_ranking(round_, dossiers, secretariat, council, run):
    ranking.compute(round_, actor=secretariat)


def _approve_again(round_, dossiers, secretariat, council, run):
    services.approve(round_, run, number="124/QĐ-BNNMT", signed_on=date(2026, 12, 16), signer_name="Lê Minh Đức",
                     signer_title="BỘ TRƯỞNG", actor=staff("approver"))


def _remove_document(round_, dossiers, secretariat, council, run):
    nominations.remove_document(dossiers[0].documents[0], actor=dossiers[0].applicant)


def _extend_deadline(round_, dossiers, secretariat, council, run):
    nominations.extend_deadline(dossiers[1], utcnow() + timedelta(days=30), "Gia hạn.", actor=secretariat)


def _unassign(round_, dossiers, secretariat, council, run):
    assignment = db.session.scalar(select(Assignment).where(Assignment.nomination_id == dossiers[0].id))
    jury.unassign(assignment, actor=secretariat)


def _withdraw_member(round_, dossiers, secretariat, council, run):
    membership = db.session.scalar(select(CouncilMembership).where(CouncilMembership.round_id == round_.id))
    jury.withdraw_member(membership, actor=secretariat)


WRITE_PATHS = [_save_dossier, _upload, _remove_document, _withdraw, _extend_deadline, _screen, _add_member, _assign,
               _unassign, _withdraw_member, _save_sheet, _compute_ranking, _approve_again]


def test_after_approval_every_write_path_is_refused_and_changes_nothing(app, approved, subtests):
    for write in WRITE_PATHS:
        with subtests.test(write.__name__.strip("_")):
            before = snapshot(app.config["UPLOAD_FOLDER"])
            try:
                with pytest.raises(DomainError) as refused:
                    write(*approved)
            finally:
                db.session.rollback()
            message = english(refused.value)
            if write is _screen:
                assert "Screening happens after the call closes" in message
            else:
                assert isinstance(refused.value, RoundFrozen) and "approved and frozen" in message
            assert snapshot(app.config["UPLOAD_FOLDER"]) == before


def test_after_approval_the_pages_refuse_and_say_why(app, approved):
    round_, dossiers, secretariat, council, _ = approved
    before = snapshot(app.config["UPLOAD_FOLDER"])
    juror = client_for(app, council[0])
    url = f"/scoring/entries/{dossiers[1].entries[0].id}"
    response = submit(juror, url, {"version": "1", "action": "save"}, follow_redirects=True)
    assert "The round is approved and frozen" in response.get_data(as_text=True)
    staff_client = client_for(app, secretariat)
    assert submit(staff_client, f"/ranking/round/{round_.id}/compute", form_url=f"/ranking/round/{round_.id}"
                  ).status_code == 404
    assert staff_client.get(f"/jury/round/{round_.id}/council").status_code == 404
    assert submit(staff_client, f"/screening/nominations/{dossiers[1].id}", {"outcome": "ineligible", "reason": "Sai."},
                  form_url="/").status_code == 404
    owner = client_for(app, dossiers[1].applicant)
    assert owner.get(f"/nominations/{dossiers[1].id}/edit").status_code == 404
    assert submit(owner, f"/nominations/{dossiers[1].id}/withdraw", {"reason": "Rút."},
                  form_url=f"/nominations/{dossiers[1].id}").status_code == 404
    assert snapshot(app.config["UPLOAD_FOLDER"]) == before
