"""R7: a number from outside that no column can hold — an id in the URL, a page or filter in the query string,
a form's version or id — gets a 404 or a message, never a 500. Every id here is an INTEGER column, which
PostgreSQL holds up to 2**31 - 1; Python refuses to read more than 4,300 digits."""

import re

import pytest

from award_app.bounds import MAX_INT, whole_number
from award_app.extensions import db
from tests.helpers import csrf_token
from tests.nominations.factories import (
    ECO_SCHOOL,
    ECO_SCHOOL_FORM,
    applicant,
    council_round,
    draft,
    open_round,
    scoring_round,
)
from tests.nominations.test_views import fresh, signed_in_client, version_on

THIRTY_DIGITS = "9" * 30
OUT_OF_RANGE = [THIRTY_DIGITS, str(MAX_INT + 1), "9" * 5000]
INT_ARGUMENT = re.compile(r"<int:(\w+)>")
ANY_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(rule, number: str) -> str:
    """The rule's path with `number` for every <int:…> part and a plain word for any other part."""
    return ANY_ARGUMENT.sub(lambda m: number if f"<int:{m.group(1)}>" in m.group(0) else "x",
                            INT_ARGUMENT.sub(lambda m: number, rule.rule))


def _numbered_rules(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if INT_ARGUMENT.search(rule.rule) and method in rule.methods]


@pytest.mark.parametrize("role", ["admin", "secretariat"])
def test_every_id_out_of_range_in_a_url_is_not_found(app, client, signed_in, role):
    signed_in(role)
    answers = {}
    for method in ("GET", "POST"):
        for rule in _numbered_rules(app, method):
            for number in OUT_OF_RANGE:
                url = _url(rule, number)
                answers[(method, rule.rule, number[:12])] = client.open(url, method=method).status_code
    assert answers and set(answers.values()) == {404}, {k: v for k, v in answers.items() if v != 404}


@pytest.mark.parametrize("role", ["admin", "secretariat"])
def test_the_largest_id_a_column_holds_reaches_the_view_and_is_not_found(app, client, signed_in, role):
    """2**31 - 1 passes the route (PostgreSQL's INTEGER holds it): the view looks it up and finds nothing."""
    signed_in(role)
    failures = {rule.rule: status for rule in _numbered_rules(app, "GET")
                if (status := client.get(_url(rule, str(MAX_INT))).status_code) >= 500}
    assert failures == {}


def test_a_page_or_filter_out_of_range_is_left_out_with_a_message(client, signed_in):
    round_ = council_round()[0]
    signed_in("admin", "secretariat", "auditor")
    client.set_cookie("lang", "en")
    for value in (THIRTY_DIGITS, "9" * 5000, "²", "-1", "abc"):
        for url in (f"/nominations/round/{round_.id}?group={value}&page={value}",
                    f"/ranking/round/{round_.id}?page={value}",
                    f"/audit/?round={value}&page={value}"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "is not a number this page can use" in response.get_data(as_text=True), url


def test_a_juror_dashboard_page_out_of_range_is_left_out(app):
    round_, _dossiers, _secretariat, council = scoring_round(1, jurors=1)
    client = signed_in_client(app, council[0])
    response = client.get(f"/scoring/?page_{round_.id}={THIRTY_DIGITS}")
    assert response.status_code == 200 and "is not a number this page can use" in response.get_data(as_text=True)


@pytest.mark.parametrize("version", [THIRTY_DIGITS, "9" * 5000, str(MAX_INT + 1), "-3", "abc"])
def test_an_autosave_with_a_version_out_of_range_is_refused_as_stale(app, version):
    school = applicant("school")
    nomination = draft(open_round(), school, ECO_SCHOOL)
    client = signed_in_client(app, school)
    token = csrf_token(client, f"/nominations/{nomination.id}/edit")
    response = client.post(f"/nominations/{nomination.id}/autosave", data={**ECO_SCHOOL_FORM, "pupils": "5",
                                                                             "version": version},
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 409 and response.get_json()["stale"]
    assert fresh(nomination).details["pupils"] == ECO_SCHOOL["pupils"]


@pytest.mark.parametrize("version", [THIRTY_DIGITS, "9" * 5000, "abc"])
def test_a_saved_form_with_a_version_out_of_range_keeps_the_input_and_changes_nothing(app, version):
    """Before, a version that was not digits skipped the version check: a forged form overwrote newer data."""
    school = applicant("school")
    nomination = draft(open_round(), school, ECO_SCHOOL)
    client = signed_in_client(app, school)
    version_on(client, nomination.id)
    url = f"/nominations/{nomination.id}/edit"
    response = client.post(url, data={**ECO_SCHOOL_FORM, "address": "Cơ sở 2", "version": version,
                                      "action": "save", "csrf_token": csrf_token(client, url)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone else saved this in the meantime" in page and "Cơ sở 2" in page
    assert fresh(nomination).details["address"] == ECO_SCHOOL["address"]


def test_a_whole_number_typed_beyond_any_column_gets_a_message(app, signed_in):
    school = applicant("school")
    nomination = draft(open_round(), school, ECO_SCHOOL)
    client = signed_in_client(app, school)
    token = csrf_token(client, f"/nominations/{nomination.id}/edit")
    answer = client.post(f"/nominations/{nomination.id}/autosave",
                         data={**ECO_SCHOOL_FORM, "pupils": "9" * 4000,
                               "version": version_on(client, nomination.id)},
                         headers={"Accept": "application/json", "X-CSRFToken": token}).get_json()
    assert answer["errors"]["pupils"] == ["This number is too large."]
    db.session.expire_all()


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("0042", 42), (str(MAX_INT), MAX_INT), (str(MAX_INT + 1), None), ("9" * 5000, None), ("²", None),
    ("١٢", None), ("-1", None), ("1.5", None), ("", None), (None, None), (" 7 ", 7), (True, None)])
def test_whole_number(text, expected):
    assert whole_number(text) == expected
