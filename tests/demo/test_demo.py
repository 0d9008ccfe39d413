import pytest
from sqlalchemy import func, select

from award_app.accounts.models import User
from award_app.certificates.models import Certificate
from award_app.demo import data
from award_app.extensions import db
from award_app.nominations.models import Nomination, NominationState
from award_app.rounds.models import Round, RoundState
from award_app.scoring.models import ScoreSheet, SheetState
from tests.helpers import login

DEMO_PASSWORD = "bong-sen-no-ven-ho-tay"

# What each demo account must see first on its home page (Vietnamese).
HOME_SECTIONS = {
    "admin@demo.gov.vn": "Quản trị hệ thống",
    "thuky@demo.gov.vn": "Ban Thư ký",
    "lanhdao@demo.gov.vn": "Phê duyệt",
    "thanhtra@demo.gov.vn": "Thanh tra",
    "chutich@demo.gov.vn": "Hội đồng xét chọn",
    "giamkhao1@demo.gov.vn": "Hội đồng xét chọn",
    "sogd.hanoi@demo.gov.vn": "Xác nhận",
    "truong.nguyentrai@demo.vn": "Hồ sơ đề cử của bạn",
}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def test_loading_the_demo_twice_changes_nothing(runner, demo):
    counts = (db.session.scalar(select(func.count()).select_from(User)),
              db.session.scalar(select(func.count()).select_from(Round)))
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert counts == (db.session.scalar(select(func.count()).select_from(User)),
                      db.session.scalar(select(func.count()).select_from(Round)))
    assert counts[0] == len(data.STAFF) + len(data.ENDORSERS) + len(data.APPLICANTS) + len(data.MORE_APPLICANTS)


def test_every_demo_account_has_its_address_confirmed(demo):
    """The demo's applicants submit dossiers without first opening an e-mail."""
    assert db.session.scalars(select(User.email).where(User.email_confirmed_at.is_(None))).all() == []


def test_each_programme_has_a_draft_and_an_open_round(demo):
    rounds = db.session.scalars(select(Round)).all()
    states = {(r.programme_code.value, r.state) for r in rounds}
    for code in ("eco_school", "youth", "city"):
        assert (code, RoundState.OPEN) in states and (code, RoundState.DRAFT) in states


def test_every_demo_account_signs_in_and_lands_on_its_home_page(app, demo):
    for email, section in HOME_SECTIONS.items():
        client = app.test_client()
        response = login(client, email, DEMO_PASSWORD)
        assert response.location == "/"
        page = client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
        assert section in page, email


def test_the_demo_shows_every_stage(demo):
    states = {(r.programme_code.value, r.edition): r.state for r in db.session.scalars(select(Round))}
    assert states[("eco_school", 1)] == RoundState.APPROVED
    assert states[("youth", 1)] == RoundState.SCORING
    approved = db.session.scalars(select(Round).where(Round.state == RoundState.APPROVED)).one()
    assert len(db.session.scalars(select(Certificate).where(Certificate.round_id == approved.id)).all()) >= 3
    assert db.session.scalars(select(ScoreSheet).where(ScoreSheet.state == SheetState.DRAFT)).all()
    submitted = db.session.scalars(select(Nomination).where(Nomination.state == NominationState.SUBMITTED)).all()
    assert {n.round.programme_code.value for n in submitted} == {"eco_school", "city"}


def test_the_demo_is_refused_without_a_demo_password(app, runner):
    app.config["DEMO_PASSWORD"] = None
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0


def test_the_approved_eco_school_round_went_to_asean_and_one_result_came_back(app, demo):
    from award_app.asean import services as asean
    from award_app.asean.models import AseanResult
    from award_app.certificates.models import Certificate
    from award_app.rounds.models import HonouredName

    approved = db.session.scalars(select(Round).where(Round.state == RoundState.APPROVED)).one()
    nominees = asean.nominees(approved)
    supplements = asean.supplements_of(approved)
    assert len(nominees) == 2 and {n.entry.nomination_id for n in nominees} == set(supplements)
    for supplement in supplements.values():
        assert asean.supplement_gaps(supplement) == []
    assert asean.package_check(approved).ready
    result = db.session.scalars(select(AseanResult)).one()
    assert result.entry.nomination.display_name == data.ASEAN_RESULT["school"]
    assert db.session.scalars(select(HonouredName).where(HonouredName.refuses.is_(True))).one().name == (
        data.ASEAN_RESULT["school"])
    certificate = db.session.scalars(select(Certificate).where(Certificate.entry_id == result.entry_id)).one()
    page = app.test_client().get(f"/verify/{certificate.code}", headers={"Accept-Language": "vi"})
    assert "AWGEE-2026/ES-07" in page.get_data(as_text=True)
