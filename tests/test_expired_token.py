"""R7: a form whose security token is no longer valid comes back with the input kept, ready to send again."""

import re

from sqlalchemy import select

from award_app.extensions import db
from award_app.rounds.models import Round
from tests.helpers import login


def test_a_refused_token_keeps_the_input_and_sending_again_works(app, client, make_user):
    login(client, make_user("secretariat"))
    comment = "Nhận xét rất dài của thành viên Hội đồng… " * 20
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "csrf_token": "stale",
                                                           "note": comment})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nhận xét rất dài" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "csrf_token": token})
    assert again.status_code == 302
    assert db.session.scalars(select(Round)).one().edition == 1
