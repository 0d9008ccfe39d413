"""R7: whatever is typed into the main forms — dates, numbers, Vietnamese with combining marks, very long
text, control characters — the answer is a page with a message or a redirect, never a 500."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from award_app.extensions import db
from tests.fixtures_dossiers import open_round, school_applicant
from tests.helpers import login

# The 20,000-character input makes a long failure report; that is expected, not a problem.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
typed = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="Nguyễn Trãi ăâđêôơư\u0300\u0301\u0303\u0309\u0323 0123456789/-.,", max_size=60),
    st.sampled_from(["31/02/2026", "2026-13-45", "-1", "1e309", "NaN", "9" * 40, "0x1F", " ", "12,5", "\x00"]),
    st.just("ạ" * 20000),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(values=st.fixed_dictionaries({name: typed for name in (
    "school_name", "level", "pupils", "teachers", "address", "province_id", "principal_name", "principal_contact",
    "video_link")}))
def test_the_dossier_form_never_fails(app, values):
    client = _applicant_client(app)
    page = client.get("/nominations/1/edit").get_data(as_text=True)
    form = dict(values)
    form |= {"version": VERSION.search(page).group(1), "csrf_token": TOKEN.search(page).group(1),
             "action": "submit"}
    assert client.post("/nominations/1/edit", data=form).status_code in (200, 302)


@SETTINGS
@given(values=st.fixed_dictionaries({name: typed for name in (
    "full_name", "email", "applicant_kind", "organisation", "province_id", "phone", "password", "confirm")}))
def test_the_registration_form_never_fails(app, values):
    app.config["REGISTRATION_RATE_LIMITS"] = "10000/minute"  # many examples from one address (throttled: 429)
    app.config["REGISTRATION_EMAIL_RATE_LIMITS"] = "10000/minute"  # and often the same e-mail address
    client = app.test_client()
    page = client.get("/accounts/register").get_data(as_text=True)
    form = dict(values) | {"consent": "y",
                                                                    "csrf_token": TOKEN.search(page).group(1)}
    assert client.post("/accounts/register", data=form).status_code in (200, 302)


def _applicant_client(app):
    client = getattr(app, "_bad_input_client", None)
    if client is None:
        round_ = open_round()
        applicant = school_applicant()
        client = app.test_client()
        login(client, applicant.email, "cay-bang-truoc-cong-truong")
        page = client.get("/nominations/").get_data(as_text=True)
        client.post(f"/nominations/start/{round_.id}", data={"csrf_token": TOKEN.search(page).group(1)})
        db.session.commit()
        app._bad_input_client = client
    return client
