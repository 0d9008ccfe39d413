"""Score sheets: whole numbers from 0 to each criterion's maximum, a comment for 0 or the maximum,
locked once submitted, totals computed by the server, only while the round is scoring."""

import html
import re

import pytest
from flask_babel import force_locale

from award_app.errors import InvalidTransition
from award_app.extensions import db
from award_app.rounds.models import RoundState
from award_app.scoring import services
from award_app.scoring.models import ScoreSheet, SheetState
from tests.helpers import login, submit
from tests.nominations.factories import (
    VERSION_PATTERN,
    advance,
    assign,
    eligible_round,
    juror,
    score,
    scoring_round,
)

ROW_PATTERN = re.compile(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"')


def english(error) -> list[str]:
    with force_locale("en"):
        return [str(m) for m in error.messages]


def sheet_of(nomination, user) -> ScoreSheet:
    sheet = services.sheet_for(nomination.entries[0], user)
    db.session.commit()
    return sheet


def inputs(sheet, points, comments=None) -> list[services.ScoreInput]:
    comments = comments or ["Có minh chứng."] * len(points)
    return [services.ScoreInput(s.criterion_id, p, c) for s, p, c in zip(sheet.scores, points, comments, strict=True)]


def stored(sheet) -> tuple:
    db.session.expire_all()
    sheet = db.session.get(ScoreSheet, sheet.id)
    return sheet.state, sheet.total, [(s.points, s.comment) for s in sheet.scores]


def juror_client(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, user)
    return client


def sheet_form(page: str, points, comments, action: str, version: str | None = None) -> dict:
    form = {"version": version or VERSION_PATTERN.search(page).group(1), "action": action}
    for (row, criterion_id), value, comment in zip(ROW_PATTERN.findall(page), points, comments, strict=True):
        form |= {f"scores-{row}-criterion_id": criterion_id, f"scores-{row}-points": value,
                 f"scores-{row}-comment": comment}
    return form


# -- the range of a score -------------------------------------------------------------------

@pytest.mark.parametrize("points", [26, -1, 100])
def test_points_outside_zero_to_the_maximum_are_refused(app, points):
    _, (nomination,), _, (member,) = scoring_round(1)
    sheet = sheet_of(nomination, member)
    with pytest.raises(InvalidTransition) as refused:
        services.save_sheet(sheet, inputs(sheet, (20, points, 20, 20)), version=None, submit=False, actor=member)
    assert english(refused.value) == ["A score must be between 0 and 25."]
    db.session.rollback()
    assert stored(sheet) == (SheetState.DRAFT, 0, [(None, "")] * 4)


def test_zero_and_the_maximum_are_accepted_with_a_comment(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    sheet = score(nomination, member, (0, 25, 12, 13), comment="Lý do được ghi rõ.")
    assert stored(sheet)[:2] == (SheetState.SUBMITTED, 50)


# -- submitting -----------------------------------------------------------------------------

def test_an_incomplete_sheet_lists_every_reason_and_the_draft_is_kept(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    sheet = sheet_of(nomination, member)
    given = inputs(sheet, (None, 0, 25, 20), ["", "", "  ", "Tốt."])
    with pytest.raises(services.SheetIncomplete) as refused:
        services.save_sheet(sheet, given, version=None, submit=True, actor=member)
    problems = english(refused.value)
    assert len(problems) == 3
    assert "has no score" in problems[0]
    assert "explain a score of 0" in problems[1] and "explain a score of 25" in problems[2]
    db.session.commit()  # the view commits the draft, then shows the reasons
    state, total, scores = stored(sheet)
    assert state == SheetState.DRAFT and total == 45
    assert [p for p, _ in scores] == [None, 0, 25, 20]


def test_through_the_page_an_incomplete_sheet_shows_every_reason_and_keeps_the_draft(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    client = juror_client(app, member)
    url = f"/scoring/entries/{nomination.entries[0].id}"
    page = client.get(url).get_data(as_text=True)
    response = submit(client, url, sheet_form(page, ("", "0", "25", "20"), ("Ghi chú một", "", "", "Tốt."), "submit"))
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert text.count("has no score") == 1 and "explain a score of 0" in text and "explain a score of 25" in text
    assert "Ghi chú một" in text
    sheet = db.session.scalar(db.select(ScoreSheet))
    state, total, scores = stored(sheet)
    assert state == SheetState.DRAFT and total == 45
    assert scores[0] == (None, "Ghi chú một")


def test_a_submitted_sheet_is_locked(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    sheet = score(nomination, member, (20, 21, 22, 23))
    before = stored(sheet)
    for submit_again in (False, True):
        with pytest.raises(InvalidTransition) as refused:
            services.save_sheet(sheet, inputs(sheet, (1, 1, 1, 1)), version=None, submit=submit_again, actor=member)
        assert english(refused.value) == ["This score sheet is submitted and locked."]
        db.session.rollback()
    assert stored(sheet) == before == (SheetState.SUBMITTED, 86, before[2])


def test_a_submitted_sheet_posted_again_through_the_page_changes_nothing(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    sheet = score(nomination, member, (20, 21, 22, 23))
    before = stored(sheet)
    client = juror_client(app, member)
    url = f"/scoring/entries/{nomination.entries[0].id}"
    page = client.get(url).get_data(as_text=True)
    response = submit(client, url, sheet_form(page, ("1", "1", "1", "1"), ("x",) * 4, "save"), follow_redirects=True)
    assert "This score sheet is submitted and locked." in html.unescape(response.get_data(as_text=True))
    assert stored(sheet) == before


def test_a_stale_sheet_gives_the_form_back_with_the_input_kept(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    first, second = juror_client(app, member), juror_client(app, member)
    url = f"/scoring/entries/{nomination.entries[0].id}"
    first_page = first.get(url).get_data(as_text=True)
    second_page = second.get(url).get_data(as_text=True)
    assert submit(first, url, sheet_form(first_page, ("20", "20", "20", "20"), ("a",) * 4, "save")).status_code == 302
    response = submit(second, url, sheet_form(second_page, ("11", "12", "13", "14"),
                                              ("Nhận xét của tab thứ hai",) * 4, "save"))
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "Someone else saved this in the meantime" in text
    assert 'value="13"' in text and "Nhận xét của tab thứ hai" in text
    sheet = db.session.scalar(db.select(ScoreSheet))
    assert stored(sheet)[1:] == (80, [(20, "a")] * 4)


def test_the_server_computes_the_total(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    client = juror_client(app, member)
    url = f"/scoring/entries/{nomination.entries[0].id}"
    page = client.get(url).get_data(as_text=True)
    form = sheet_form(page, ("22", "24", "23", "21"), ("Rõ ràng",) * 4, "submit") | {"total": "100"}
    assert submit(client, url, form).status_code == 302
    sheet = db.session.scalar(db.select(ScoreSheet))
    assert stored(sheet)[:2] == (SheetState.SUBMITTED, 90)
    assert "90" in client.get(url).get_data(as_text=True)


# -- the round's stage ----------------------------------------------------------------------

def test_scoring_is_refused_before_the_round_is_in_scoring(app):
    round_, (nomination,), secretariat = eligible_round(1)
    member = juror(round_, secretariat)
    assign(nomination, member, secretariat)  # assigned during screening
    sheet = sheet_of(nomination, member)
    with pytest.raises(InvalidTransition) as refused:
        services.save_sheet(sheet, inputs(sheet, (20, 20, 20, 20)), version=None, submit=True, actor=member)
    assert english(refused.value) == ["Scoring is not open for this round."]
    db.session.rollback()
    assert stored(sheet) == (SheetState.DRAFT, 0, [(None, "")] * 4)


def test_scoring_is_refused_once_the_council_stage_starts(app):
    round_, (nomination,), _, (member,) = scoring_round(1)
    sheet = sheet_of(nomination, member)
    advance(round_, RoundState.COUNCIL)
    with pytest.raises(InvalidTransition) as refused:
        services.save_sheet(sheet, inputs(sheet, (20, 20, 20, 20)), version=None, submit=False, actor=member)
    assert english(refused.value) == ["Scoring is not open for this round."]


def test_a_decimal_score_is_refused_not_read_as_another_number(app):
    _, (nomination,), _, (member,) = scoring_round(1)
    client = juror_client(app, member)
    url = f"/scoring/entries/{nomination.entries[0].id}"
    page = client.get(url).get_data(as_text=True)
    submit(client, url, sheet_form(page, ("2.5", "20", "20", "20"), ("Nhận xét",) * 4, "save"))
    sheet = db.session.scalar(db.select(ScoreSheet))
    points = [p for p, _ in stored(sheet)[2]]
    assert points[0] in (None, 2, 3), f"2.5 was stored as {points[0]}"
