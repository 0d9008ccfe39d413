import pytest
from sqlalchemy import func, select

from award_app.accounts.models import User
from award_app.demo import data
from award_app.extensions import db
from award_app.rounds.models import Round, RoundState
from tests.helpers import login

DEMO_PASSWORD = "demo-2026"

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
    assert counts[0] == len(data.STAFF) + len(data.ENDORSERS) + len(data.APPLICANTS)


def test_each_programme_has_a_draft_and_an_open_round(demo):
    rounds = db.session.scalars(select(Round)).all()
    states = {(r.programme_code.value, r.state) for r in rounds}
    for code in ("eco_school", "youth", "city"):
        assert (code, RoundState.OPEN) in states and (code, RoundState.DRAFT) in states


@pytest.mark.parametrize("email", sorted(HOME_SECTIONS))
def test_every_demo_account_signs_in_and_lands_on_its_home_page(client, demo, email):
    response = login(client, email, DEMO_PASSWORD)
    assert response.location == "/"
    page = client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert HOME_SECTIONS[email] in page, email


def test_the_demo_is_refused_without_a_demo_password(app, runner):
    app.config["DEMO_PASSWORD"] = None
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
