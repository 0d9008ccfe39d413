"""The council and the assignments: who may sit, who is assigned to what, and what a juror sees."""

import html

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.accounts.models import CouncilMembership
from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.jury import services
from award_app.jury.models import Assignment
from award_app.nominations.models import Nomination, NominationState
from award_app.rounds.models import RoundState
from tests.helpers import login, submit
from tests.nominations.factories import (
    add_member,
    advance,
    assign,
    declare_no_conflict,
    eligible_round,
    juror,
    open_round,
    screen,
    staff,
    submitted,
)


def english(error) -> str:
    with force_locale("en"):
        return error.message


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def client_for(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user)
    return client


# -- the council ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "approver"])
def test_an_administrator_or_an_approver_cannot_join_a_council(app, role):
    round_, _, secretariat = eligible_round(1)
    person = staff(role)
    with pytest.raises(InvalidTransition) as refused:
        add_member(round_, person, secretariat)
    assert english(refused.value) == "An administrator or an approver cannot be a juror."
    db.session.rollback()
    assert count(CouncilMembership) == 0


def test_an_approver_added_through_the_council_page_is_refused(app):
    round_, _, secretariat = eligible_round(1)
    approver = staff("approver")
    client = client_for(app, secretariat)
    response = submit(client, f"/jury/round/{round_.id}/council", {
        "email": approver.email, "full_name": approver.full_name, "organisation": "Bộ", "password": "",
        "is_chair": ""}, follow_redirects=True)
    assert "An administrator or an approver cannot be a juror." in html.unescape(response.get_data(as_text=True))
    assert count(CouncilMembership) == 0


def test_the_same_person_joins_a_council_once(app):
    round_, _, secretariat = eligible_round(1)
    member = juror(round_, secretariat)
    with pytest.raises(InvalidTransition):
        add_member(round_, member, secretariat)
    db.session.rollback()
    assert count(CouncilMembership) == 1


def test_a_new_chair_replaces_the_old_one(app):
    round_, _, secretariat = eligible_round(1)
    first = juror(round_, secretariat, chair=True, full_name="Đặng Thu Hà")
    second = juror(round_, secretariat, chair=True, full_name="Hoàng Văn Nam")
    chairs = [m.user_id for m in services.council(round_) if m.is_chair]
    assert chairs == [second.id] and first.id != second.id


# -- assignments ----------------------------------------------------------------------------

def test_the_same_juror_cannot_be_assigned_twice(app):
    round_, (nomination,), secretariat = eligible_round(1)
    member = juror(round_, secretariat)
    assign(nomination, member, secretariat)
    with pytest.raises(InvalidTransition) as refused:
        services.assign(nomination, member, actor=secretariat)
    assert "already assigned" in english(refused.value)
    db.session.rollback()
    assert count(Assignment) == 1


def test_a_juror_not_on_the_council_cannot_be_assigned(app):
    round_, (nomination,), secretariat = eligible_round(1)
    outsider = staff()
    with pytest.raises(InvalidTransition) as refused:
        services.assign(nomination, outsider, actor=secretariat)
    assert "is not on this round's council" in english(refused.value)
    db.session.rollback()
    other_round = open_round(edition=2)
    other_member = staff()
    services.add_member(other_round, other_member, is_chair=False, actor=secretariat)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.assign(nomination, other_member, actor=secretariat)  # on another round's council only
    db.session.rollback()
    assert count(Assignment) == 0


def test_only_eligible_dossiers_get_jurors(app):
    round_ = open_round()
    waiting, rejected, accepted = submitted(round_), submitted(round_), submitted(round_)
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    secretariat = staff("secretariat")
    screen(rejected, secretariat, "ineligible", "Thiếu minh chứng.")
    screen(accepted, secretariat)
    member = juror(round_, secretariat)
    for nomination in (waiting, rejected):
        with pytest.raises(InvalidTransition) as refused:
            services.assign(nomination, member, actor=secretariat)
        assert english(refused.value) == "Only eligible dossiers get jurors."
        db.session.rollback()
    assign(accepted, member, secretariat)
    assert count(Assignment) == 1
    assert db.session.get(Nomination, accepted.id).state == NominationState.UNDER_REVIEW


def test_the_assignment_page_refuses_someone_not_on_the_council(app):
    round_, (nomination,), secretariat = eligible_round(1)
    client = client_for(app, secretariat)
    outsider = staff()
    response = submit(client, f"/jury/round/{round_.id}/assignments",
                      {"nomination_id": str(nomination.id), "juror_id": str(outsider.id)})
    assert response.status_code in (200, 302)  # the choice is not offered: the form refuses it
    assert count(Assignment) == 0


# -- what a juror sees ----------------------------------------------------------------------

def test_a_juror_sees_only_the_assigned_dossiers(app):
    round_, (mine, theirs), secretariat = eligible_round(2, names=("Trường THCS Nguyễn Trãi", "Trường THCS Lê Lợi"))
    member = juror(round_, secretariat, full_name="Đặng Thu Hà")
    colleague = juror(round_, secretariat, full_name="Bùi Thị Lan")
    assign(mine, member, secretariat)
    assign(theirs, colleague, secretariat)
    declare_no_conflict(round_, member, [mine])
    advance(round_, RoundState.SCORING)
    client = client_for(app, member)
    dashboard = html.unescape(client.get("/scoring/").get_data(as_text=True))
    assert "Trường THCS Nguyễn Trãi" in dashboard and "Trường THCS Lê Lợi" not in dashboard
    assert client.get(f"/scoring/entries/{mine.entries[0].id}").status_code == 200
    assert client.get(f"/scoring/entries/{theirs.entries[0].id}").status_code == 404
    document = theirs.documents[0]
    assert client.get(f"/scoring/entries/{theirs.entries[0].id}/documents/{document.id}").status_code == 404
    assert client.get(f"/nominations/{theirs.id}").status_code == 404
    assert client.get(f"/nominations/{theirs.id}/documents/{document.id}").status_code == 404
    own_document = mine.documents[0]
    response = client.get(f"/scoring/entries/{mine.entries[0].id}/documents/{own_document.id}")
    response.close()
    assert response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff"
