"""What a user stumbles on in forms: WTForms' own messages in the user's language, and a second step
before a button that cannot be undone."""

import re

from award_app.extensions import db
from award_app.models import Round, RoundState
from tests.helpers import login, submit
from tests.nominations import factories as make

REGISTRATION = {"full_name": "Đỗ Thị Thanh Hương", "email": "truong@example.vn", "applicant_kind": "school",
                "organisation": "Trường THCS Nguyễn Trãi", "province_id": "ha-noi-34",
                "password": "cay-bang-truoc-cong-truong", "confirm": "cay-bang-truoc-cong-truong", "consent": "y"}


def test_a_tampered_choice_is_refused_in_vietnamese(client):
    page = submit(client, "/accounts/register", {**REGISTRATION, "applicant_kind": "hacker"},
                  headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ" in page
    assert "Not a valid choice" not in page


def test_a_tampered_choice_is_refused_in_english(client):
    page = submit(client, "/accounts/register", {**REGISTRATION, "province_id": "atlantis"},
                  headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Not a valid choice." in page


def _confirm_steps(page: str) -> dict[str, str]:
    """Each confirming step: the form's action → the text of the <details> around it."""
    return {action: block for block in re.findall(r'<details class="confirm">(.*?)</details>', page, re.S)
            for action in re.findall(r'action="([^"]+)"', block)}


def test_moving_a_round_on_asks_for_confirmation_first(app, client):
    round_ = make.open_round()
    login(client, make.staff("secretariat"))
    page = client.get(f"/rounds/{round_.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    steps = _confirm_steps(page)
    assert f"/rounds/{round_.id}/advance" in steps
    assert "never goes back" in steps[f"/rounds/{round_.id}/advance"]
    # The confirming button still moves the round on, without JavaScript.
    assert submit(client, f"/rounds/{round_.id}/advance", {"to_state": "closed", "confirmed": "1"},
                  form_url=f"/rounds/{round_.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).state == RoundState.CLOSED


def test_withdrawing_a_nomination_asks_for_confirmation_first(app, client):
    round_ = make.open_round()
    nomination = make.submitted(round_)
    login(client, nomination.applicant)
    page = client.get(f"/nominations/{nomination.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    withdraw = re.search(r'action="/nominations/\d+/withdraw".*?</form>', page, re.S).group(0)
    assert '<details class="confirm">' in withdraw and "cannot be submitted again" in withdraw
