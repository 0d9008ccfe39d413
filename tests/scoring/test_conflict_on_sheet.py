"""A conflict declared from a submitted sheet leaves the sheet as it is: only the secretariat's reopen (with a
reason) changes a submitted sheet. A rejected conflict gives the juror back a sheet that is still submitted and
locked; a confirmed one takes it out of the score."""

import html

from sqlalchemy import select

from award_app.extensions import db
from award_app.jury import services as jury
from award_app.jury.models import Conflict, ConflictStatus
from award_app.ranking import services as ranking
from award_app.scoring.models import SheetState
from tests.helpers import submit
from tests.nominations.factories import score, scoring_round
from tests.scoring.test_services import juror_client, sheet_form, stored


def _counted_jurors(round_) -> set[int]:
    """The jurors whose sheets the ranking would count now."""
    scores = ranking.entry_scores(round_, ranking.entries_in_competition(round_))
    return {sheet.juror_id for entry in scores for sheet in entry.sheets}


def _declare_from_the_sheet(client, entry_id: int):
    return submit(client, f"/scoring/entries/{entry_id}/conflict", {"c-has_conflict": "yes", "c-kind": "family",
                                                                     "c-detail": "Người thân"},
                  form_url=f"/scoring/entries/{entry_id}")


def _submitted_then_declared(app):
    """Two jurors submit; the first then declares a conflict from their sheet."""
    round_, (nomination,), secretariat, (first, second) = scoring_round(1, jurors=2)
    sheet = score(nomination, first, (20, 21, 20, 20))
    score(nomination, second, (10, 11, 12, 13))
    before = stored(sheet)
    client = juror_client(app, first)
    entry_id = nomination.entries[0].id
    assert _declare_from_the_sheet(client, entry_id).status_code == 302
    conflict = db.session.scalars(select(Conflict).where(Conflict.juror_id == first.id)).one()
    return round_, secretariat, first, second, sheet, before, client, entry_id, conflict


def test_declaring_a_conflict_keeps_the_submitted_sheet_as_it_was_until_the_secretariat_decides(app):
    round_, _secretariat, first, second, sheet, before, _client, _entry_id, conflict = _submitted_then_declared(app)
    assert conflict.status == ConflictStatus.PENDING
    assert stored(sheet) == before and before[0] == SheetState.SUBMITTED
    assert _counted_jurors(round_) == {second.id}  # set aside while the secretariat decides
    assert (conflict.nomination_id, first.id) in jury.set_aside_pairs(round_)  # and marked so in the exports


def test_after_a_rejected_conflict_the_sheet_stays_submitted_and_locked(app):
    round_, secretariat, first, second, sheet, before, client, entry_id, conflict = _submitted_then_declared(app)
    jury.decide_conflict(conflict, False, "Không có quan hệ gia đình.", actor=secretariat)
    db.session.commit()

    url = f"/scoring/entries/{entry_id}"
    page = client.get(url).get_data(as_text=True)
    for action in ("save", "submit"):
        response = submit(client, url, sheet_form(page, ("1", "1", "1", "1"), ("Sửa lại.",) * 4, action),
                          follow_redirects=True)
        assert "This score sheet is submitted and locked." in html.unescape(response.get_data(as_text=True))
    autosaved = submit(client, f"{url}/autosave", sheet_form(page, ("1", "1", "1", "1"), ("x",) * 4, "save"),
                       form_url=url, headers={"Accept": "application/json"})
    assert autosaved.status_code >= 400
    assert stored(sheet) == before  # 81 stays 81
    assert _counted_jurors(round_) == {first.id, second.id}
    assert jury.set_aside_pairs(round_) == set()


def test_a_confirmed_conflict_takes_the_sheet_out_of_the_score(app):
    round_, secretariat, first, second, sheet, before, client, entry_id, conflict = _submitted_then_declared(app)
    jury.decide_conflict(conflict, True, "Con gái của giám khảo học tại trường.", actor=secretariat)
    db.session.commit()
    assert _counted_jurors(round_) == {second.id}
    assert client.get(f"/scoring/entries/{entry_id}").status_code == 404
    assert stored(sheet) == before
