"""A juror scoring many dossiers in one sitting goes from one submitted sheet to the next dossier."""

import re

from tests.helpers import login, submit
from tests.nominations.factories import scoring_round


def _submit_sheet(client, entry_id: int, points: tuple[int, ...], action: str = "submit"):
    url = f"/scoring/entries/{entry_id}"
    page = client.get(url).get_data(as_text=True)
    form = {"version": re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1), "action": action}
    rows = re.findall(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"', page)
    for (row, criterion_id), value in zip(rows, points, strict=True):
        form |= {f"scores-{row}-criterion_id": criterion_id, f"scores-{row}-points": str(value),
                 f"scores-{row}-comment": "Minh chứng rõ ràng."}
    return submit(client, url, form)


def test_a_submitted_sheet_leads_to_the_next_dossier_to_score_then_to_the_dashboard(app):
    round_, dossiers, _secretariat, (member,) = scoring_round(2)
    client = app.test_client()
    login(client, member)
    first, second = (d.entries[0].id for d in dossiers)

    saved = _submit_sheet(client, first, (20, 20, 20, 20), action="save")
    assert saved.location.endswith(f"/scoring/entries/{first}")  # a draft stays where the juror is working

    done = _submit_sheet(client, first, (20, 20, 20, 20))
    assert done.location.endswith(f"/scoring/round/{round_.id}/next")
    following = client.get(done.location)
    assert following.location.endswith(f"/scoring/entries/{second}")
    page = client.get(following.location).get_data(as_text=True)
    assert f"Đã nộp phiếu chấm hồ sơ {dossiers[0].reference}." in page

    last = _submit_sheet(client, second, (18, 18, 18, 18))
    home = client.get(last.location)
    assert home.location.endswith("/scoring/")
    page = client.get(home.location).get_data(as_text=True)
    assert f"Đã nộp phiếu chấm hồ sơ {dossiers[1].reference}." in page
    assert "Bạn đã nộp tất cả phiếu chấm của đợt xét chọn này. Xin cảm ơn!" in page
    assert f"/scoring/round/{round_.id}/next" not in page  # nothing is left to offer


def test_the_dashboard_offers_the_next_dossier_while_one_is_left(app):
    round_, dossiers, _secretariat, (member,) = scoring_round(2)
    client = app.test_client()
    login(client, member)
    assert f"/scoring/round/{round_.id}/next" in client.get("/scoring/").get_data(as_text=True)
    _submit_sheet(client, dossiers[0].entries[0].id, (20, 20, 20, 20))
    assert f"/scoring/round/{round_.id}/next" in client.get("/scoring/").get_data(as_text=True)
