"""Numbers as each language types and reads them (issue 19): "1.250" pupils in Vietnamese, "1,250" in English;
population and area printed with the reader's marks on the dossier, the receipt and the entry's table."""

import html

import pytest

from award_app.extensions import db
from award_app.nominations import receipt
from award_app.nominations.models import Nomination
from award_app.rounds.models import ProgrammeCode
from tests.helpers import login, submit
from tests.nominations.factories import CITY, ECO_SCHOOL_FORM, VERSION_PATTERN, applicant, draft, open_round, submitted


def client_in(app, user, lang: str):
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, user)
    return client


def save(client, nomination_id: int, fields: dict, action: str = "save"):
    url = f"/nominations/{nomination_id}/edit"
    version = VERSION_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)
    return submit(client, url, {**fields, "version": version, "action": action})


def details_of(nomination) -> dict:
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id).details


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("lang", "pupils", "population", "area"), [
    ("vi", "1.250", "1.220.000", "1.285,4"), ("en", "1,250", "1,220,000", "1,285.4")])
def test_numbers_typed_with_the_languages_marks_are_taken(app, lang, pupils, population, area):
    round_, city_round = open_round(), open_round(ProgrammeCode.CITY)
    school, committee = applicant("school"), applicant("province_committee")
    nomination, city = draft(round_, school), draft(city_round, committee)
    assert save(client_in(app, school, lang), nomination.id, {**ECO_SCHOOL_FORM, "pupils": pupils}).status_code == 302
    assert details_of(nomination)["pupils"] == 1250
    fields = {**{k: str(v) for k, v in CITY.items() if k != "outcomes"}, "outcomes": ["esc"],
              "population": population, "area_km2": area}
    assert save(client_in(app, committee, lang), city.id, fields).status_code == 302
    assert details_of(city)["population"] == 1_220_000 and details_of(city)["area_km2"] == "1285.4"


@pytest.mark.parametrize(("lang", "typed", "message"), [
    ("vi", "1285.4", "“Diện tích (km²)”: “1285.4” chưa đúng cách viết số: phải chăng là 1.285,4?"),
    ("en", "1285,4", "“Area (km²)”: “1285,4” is not how numbers are written here: did you mean 1,285.4?"),
])
def test_a_number_in_the_other_languages_notation_is_refused_with_what_to_type(app, lang, typed, message):
    round_ = open_round(ProgrammeCode.CITY)
    committee = applicant("province_committee")
    city = draft(round_, committee)
    fields = {**{k: str(v) for k, v in CITY.items() if k != "outcomes"}, "outcomes": ["esc"], "area_km2": typed}
    response = save(client_in(app, committee, lang), city.id, fields, action="submit")
    page = text_of(response)
    assert response.status_code == 200 and message in page
    assert f'value="{typed}"' in page  # what was typed stays in the box
    assert "area_km2" not in details_of(city)


@pytest.mark.parametrize(("lang", "message", "empty"), [
    ("vi", "“Số học sinh”: Nhập một số nguyên, ví dụ 1.250", "Chưa điền “Số học sinh”."),
    ("en", "“Pupils”: Enter a whole number, such as 1,250", "“Pupils” is not filled in."),
])
def test_the_summary_says_what_is_wrong_with_a_typed_number_never_that_it_is_empty(app, lang, message, empty):
    round_ = open_round()
    school = applicant("school")
    nomination = draft(round_, school)
    typed = "1,250" if lang == "vi" else "1.250"  # the other language's grouping: a decimal, not a whole number
    page = text_of(save(client_in(app, school, lang), nomination.id, {**ECO_SCHOOL_FORM, "pupils": typed},
                        action="submit"))
    assert message in page and empty not in page


@pytest.mark.parametrize(("lang", "population", "area"), [
    ("vi", "1.220.000", "1.285,4"), ("en", "1,220,000", "1,285.4")])
def test_population_and_area_print_with_the_readers_marks_on_the_dossier_and_its_receipt(app, lang, population, area,
                                                                                        monkeypatch):
    round_ = open_round(ProgrammeCode.CITY)
    city = submitted(round_, details={**CITY, "population": 1_220_000, "area_km2": "1285.4"})
    client = client_in(app, city.applicant, lang)
    page = text_of(client.get(f"/nominations/{city.id}"))
    assert population in page and area in page and "1220000" not in page and "1285.4" not in page.replace(area, "")
    drawn = []
    monkeypatch.setattr(receipt, "draw", lambda html_text: drawn.append(html.unescape(html_text)) or b"%PDF-1.4")
    with client.get(f"/nominations/{city.id}/receipt.pdf") as response:
        assert response.status_code == 200
    assert drawn and population in drawn[0] and area in drawn[0] and "1220000" not in drawn[0]


@pytest.mark.parametrize(("lang", "typed", "shown"), [("vi", "1.234,567", "1.234,567"), ("en", "1,234.5", "1,234.5")])
def test_an_indicator_value_is_typed_and_printed_with_the_readers_marks(app, lang, typed, shown):
    round_ = open_round(ProgrammeCode.CITY)
    committee = applicant("province_committee")
    city = draft(round_, committee, CITY)
    entry = city.entries[0]
    indicator = next(i for i in round_.indicators if i.outcome == "esc")
    client = client_in(app, committee, lang)
    url = f"/nominations/{city.id}/entries/{entry.id}"
    response = submit(client, url, {"indicator_id": str(indicator.id), "year": "2025", "value": typed,
                                    "document_id": ""})
    assert response.status_code == 302
    table = text_of(client.get(url)).split("<tbody>")[1].split("</tbody>")[0]
    assert f'<td class="num">{shown}</td>' in table and ">2025<" in table  # a year carries no thousands mark
