"""R7: a form whose security token is no longer valid comes back with the input kept, ready to send again."""

import re

import pytest
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


KEPT_FORM = re.compile(r'<form method="post" action="([^"]+)" class="card">')
COMMENT = "Nhận xét rất dài của thành viên Hội đồng"


def _kept_form(response) -> str | None:
    """The action of the 400 page's "Send again" form, None when nothing was kept."""
    assert response.status_code == 400
    found = KEPT_FORM.search(response.get_data(as_text=True))
    return found.group(1) if found else None


def test_a_cross_site_sign_in_is_never_turned_into_a_ready_form(app, client, make_user):
    """Login CSRF: another site's page posts its own address and password to the sign-in form."""
    make_user("secretariat", email="attacker@example.vn")
    response = client.post("/accounts/login", data={"email": "attacker@example.vn", "password": "attacker-pass-1"},
                           headers={"Origin": "https://evil.example"})
    assert _kept_form(response) is None
    assert "attacker@example.vn" not in response.get_data(as_text=True)
    same_origin = client.post("/accounts/login", data={"email": "attacker@example.vn", "password": "x"},
                              headers={"Origin": "http://localhost"})
    assert _kept_form(same_origin) is None  # the account forms never come back, whoever sends them


@pytest.mark.parametrize("url", ["/accounts/register", "/accounts/reset", "/accounts/reset/some-token"])
def test_no_anonymous_account_form_comes_back(app, client, url):
    response = client.post(url, data={"email": "attacker@example.vn", "full_name": "Kẻ Tấn Công",
                                      "password": "attacker-pass-1", "confirm": "attacker-pass-1"})
    assert _kept_form(response) is None and "Kẻ Tấn Công" not in response.get_data(as_text=True)


def test_a_form_sent_without_a_signed_in_session_is_not_kept(app, client):
    """A signed-in user's form posted by another site (no Lax cookie) or after signing out: nothing to send again."""
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "note": COMMENT})
    assert _kept_form(response) is None and COMMENT not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Referer": "https://evil.example/form.html"},
                                     {"Origin": "http://localhost.evil.example", "Referer": "http://localhost/"}])
def test_a_signed_in_users_form_from_another_origin_is_not_kept(app, client, make_user, headers):
    login(client, make_user("secretariat"))
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "note": COMMENT},
                           headers=headers)
    assert _kept_form(response) is None and COMMENT not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://localhost"}, {"Referer": "http://localhost/rounds/"}])
def test_the_signed_in_users_own_form_is_kept_without_passwords(app, client, make_user, headers):
    login(client, make_user("secretariat", "admin"))
    response = client.post("/rounds/new/eco_school", data={"edition": "1", "year": "2026", "note": COMMENT},
                           headers=headers)
    assert _kept_form(response) == "/rounds/new/eco_school" and COMMENT in response.get_data(as_text=True)
    staff = client.post("/accounts/admin/new", data={"full_name": "Trần Thị Mới", "password": "first-pass-2026"},
                        headers=headers)
    page = staff.get_data(as_text=True)
    assert _kept_form(staff) == "/accounts/admin/new" and "Trần Thị Mới" in page and "first-pass-2026" not in page
    password = client.post("/accounts/password", data={"current": "old-pass-2026", "password": "new-pass-2026"},
                           headers=headers)
    assert _kept_form(password) is None and "new-pass-2026" not in password.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/accounts/login", "/accounts/register", "/accounts/reset",
                                 "/accounts/reset/some-token"])
def test_the_account_forms_never_come_back_even_to_a_signed_in_user(app, client, make_user, url):
    login(client, make_user("secretariat"))
    response = client.post(url, data={"email": "attacker@example.vn", "full_name": "Kẻ Tấn Công"},
                           headers={"Origin": "http://localhost"})
    page = response.get_data(as_text=True)
    assert _kept_form(response) is None and "Kẻ Tấn Công" not in page and "attacker@example.vn" not in page
