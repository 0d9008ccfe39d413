"""Creating, saving, submitting and withdrawing nominations, through the services."""

import hashlib
import io
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.clock import VIETNAM, utcnow
from award_app.errors import InvalidTransition, StaleEdit
from award_app.extensions import db
from award_app.nominations import lifecycle, services
from award_app.nominations.models import Document, Nomination, NominationState
from award_app.rounds.models import ProgrammeCode, RoundState
from award_app.rounds.services import create_round
from tests.nominations.factories import (
    CITY,
    ECO_SCHOOL,
    HTML,
    PDF,
    YOUTH,
    applicant,
    complete_entries,
    draft,
    fill,
    open_round,
    programme,
    submitted,
    upload_required,
)


def english(messages) -> list[str]:
    with force_locale("en"):
        return [str(m) for m in messages]


def refusal(nomination, **kwargs) -> list[str]:
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit(nomination, actor=nomination.applicant, **kwargs)
    db.session.rollback()
    return english(refused.value.messages)


def group_codes(nomination) -> list[str]:
    return sorted(e.group.code for e in nomination.entries)


# -- drafts ---------------------------------------------------------------------------------

def test_a_nomination_starts_only_while_the_round_is_open(app):
    round_ = create_round(programme(ProgrammeCode.ECO_SCHOOL), edition=1, year=2026)
    with pytest.raises(InvalidTransition):
        services.create_nomination(round_, applicant("school"))


def test_a_draft_keeps_what_was_typed_and_takes_only_the_valid_values(app):
    owner = applicant("school")
    nomination = draft(open_round(), owner)
    typed = {"school_name": ["Trường THCS Nguyễn Trãi"], "pupils": ["tám trăm"], "teachers": ["-3"]}
    services.save_dossier(nomination, typed, {"school_name": "Trường THCS Nguyễn Trãi"}, version=nomination.version,
                          actor=owner)
    db.session.commit()
    db.session.expire_all()
    assert nomination.form_input == typed
    assert nomination.details == {"school_name": "Trường THCS Nguyễn Trãi"}
    assert nomination.state == NominationState.DRAFT and nomination.display_name == "Trường THCS Nguyễn Trãi"


def test_a_stale_version_is_refused_and_the_newer_value_stays(app):
    owner = applicant("school")
    nomination = draft(open_round(), owner, ECO_SCHOOL)
    seen = nomination.version
    fill(nomination, {**ECO_SCHOOL, "pupils": 900}, owner)
    with pytest.raises(StaleEdit):
        services.save_dossier(nomination, {"pupils": ["700"]}, {"pupils": 700}, version=seen, actor=owner)
    db.session.rollback()
    assert db.session.get(Nomination, nomination.id).details["pupils"] == 900


# -- submission -----------------------------------------------------------------------------

def test_submission_lists_every_reason_at_once_and_does_not_submit(app):
    owner = applicant("school")
    round_ = open_round()
    nomination = draft(round_, owner, {k: v for k, v in ECO_SCHOOL.items() if k != "school_name"})
    round_.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    problems = refusal(nomination, form_errors=["School name"])
    assert "The deadline for submissions has passed." in problems
    assert "“School name” is not filled in." in problems
    documents = [p for p in problems if "files uploaded" in p]
    assert len(documents) == 2 + 4  # registration form, self-assessment, evidence for each of 4 criteria
    nomination = db.session.get(Nomination, nomination.id)
    assert nomination.state == NominationState.DRAFT and nomination.reference is None


def test_a_complete_dossier_after_the_deadline_is_refused_for_the_deadline_only(app):
    owner = applicant("school")
    round_ = open_round()
    nomination = draft(round_, owner, ECO_SCHOOL)
    upload_required(nomination, owner)
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert refusal(nomination, form_errors=[]) == ["The deadline for submissions has passed."]
    assert db.session.get(Nomination, nomination.id).state == NominationState.DRAFT


def test_references_follow_the_order_of_submission(app):
    round_ = open_round()
    first, second = draft(round_, applicant("school")), draft(round_, applicant("school"))
    for nomination in (second, first):
        fill(nomination, ECO_SCHOOL, nomination.applicant)
        upload_required(nomination, nomination.applicant)
    refused = draft(round_, applicant("school"), ECO_SCHOOL)
    refusal(refused, form_errors=[])  # no documents: no reference is used up
    assert services.submit(second, form_errors=[], actor=second.applicant) == "ES-2026-0001"
    db.session.commit()
    assert services.submit(first, form_errors=[], actor=first.applicant) == "ES-2026-0002"
    db.session.commit()
    assert db.session.get(Nomination, refused.id).reference is None


def test_two_rounds_of_a_programme_in_the_same_year_give_distinct_references(app):
    first = submitted(open_round(edition=1, year=2026))
    second = submitted(open_round(edition=2, year=2026))
    assert first.reference != second.reference


def test_a_youth_entry_goes_to_junior_or_senior_by_age_on_the_closing_date_in_viet_nam(app):
    closing_day = (utcnow() + timedelta(days=20)).date()
    # 17:30 UTC is already the next day in Viet Nam (UTC+7): that day is the closing date.
    closes_at = datetime.combine(closing_day, time(17, 30), tzinfo=UTC)
    vn_day = closes_at.astimezone(VIETNAM).date()
    assert vn_day == closing_day + timedelta(days=1)
    round_ = open_round(ProgrammeCode.YOUTH, closes_at=closes_at)
    owner = applicant("young_person")

    def born(years: int) -> str:
        return date(vn_day.year - years, vn_day.month, vn_day.day).isoformat() if (vn_day.month, vn_day.day) != (
            2, 29) else date(vn_day.year - years, 3, 1).isoformat()

    nomination = draft(round_, owner, {**YOUTH, "date_of_birth": born(26)})  # 26 on the Vietnamese closing date
    assert group_codes(nomination) == ["senior"]
    fill(nomination, {**YOUTH, "date_of_birth": born(25)}, owner)
    assert group_codes(nomination) == ["junior"]
    fill(nomination, {**YOUTH, "date_of_birth": born(36)}, owner)
    assert group_codes(nomination) == []


def test_a_youth_dossier_outside_the_age_window_is_refused_with_the_reason(app):
    round_ = open_round(ProgrammeCode.YOUTH)
    owner = applicant("young_person")
    nomination = draft(round_, owner, {**YOUTH, "date_of_birth": "1970-01-01"})
    upload_required(nomination, owner)
    (problem,) = refusal(nomination, form_errors=[])
    assert "18 to 35" in problem


def test_a_nominator_typed_with_other_unicode_forms_is_still_the_nominee(app):
    round_ = open_round(ProgrammeCode.YOUTH)
    owner = applicant("young_person")
    nominee = unicodedata.normalize("NFD", "Trần Thị Mai")
    nomination = draft(round_, owner, {**YOUTH, "nominee_name": nominee, "nominator_name": " trần thị mai"})
    upload_required(nomination, owner)
    assert refusal(nomination, form_errors=[]) == [
        "The nominator must be another person or an organisation, not the nominee."]


def test_a_city_gets_one_entry_per_outcome_in_its_size_class(app):
    round_ = open_round(ProgrammeCode.CITY)
    owner = applicant("province_committee")
    nomination = draft(round_, owner, {**CITY, "population": 800_000,
                                       "outcomes": ["esc", "clean_air", "clean_water"]})
    assert group_codes(nomination) == ["cor_clean_air_big", "cor_clean_water_big", "esc"]
    groups = {e.group.code: e.group for e in nomination.entries}
    assert groups["esc"].rubric.code == "esc" and groups["cor_clean_air_big"].rubric.code == "cor"
    fill(nomination, {**CITY, "population": 749_999, "outcomes": ["esc", "clean_air", "clean_water"]}, owner)
    assert group_codes(nomination) == ["cor_clean_air_small", "cor_clean_water_small", "esc"]
    upload_required(nomination, owner)
    complete_entries(nomination, owner)
    services.submit(nomination, form_errors=[], actor=owner)
    db.session.commit()
    assert nomination.reference == "SC-2026-0001" and len(nomination.entries) == 3


def test_a_city_below_20000_inhabitants_cannot_be_submitted(app):
    round_ = open_round(ProgrammeCode.CITY)
    owner = applicant("province_committee")
    nomination = draft(round_, owner, {**CITY, "population": 19_999, "outcomes": ["esc", "clean_air"]})
    assert group_codes(nomination) == ["esc"]
    upload_required(nomination, owner)
    complete_entries(nomination, owner)
    assert refusal(nomination, form_errors=[]) == ["A city or urban area needs at least 20,000 inhabitants."]


def test_each_city_entry_needs_its_narrative_and_an_indicator_value_before_submission(app):
    round_ = open_round(ProgrammeCode.CITY)
    owner = applicant("province_committee")
    nomination = draft(round_, owner, {**CITY, "outcomes": ["esc", "clean_air"]})
    upload_required(nomination, owner)
    esc, clean_air = sorted(nomination.entries, key=lambda e: e.group.code != "esc")
    with force_locale("en"):  # the entries' names in the reader's language
        first = refusal(nomination, form_errors=[])
    assert first == [
        "“ASEAN ESC Award”: write its narrative and add at least one indicator value (on the entry's page).",
        "“Certificate of Recognition – Clean Air (big city)”: write its narrative and add at least one indicator "
        "value (on the entry's page)."]
    services.set_entry_narrative(esc, "Thu gom 98 % chất thải rắn.", actor=owner)
    indicator = next(i for i in round_.indicators if i.outcome == "clean_air")
    services.add_indicator_value(clean_air, indicator, 2025, Decimal("6"), None, actor=owner)
    services.set_entry_narrative(clean_air, "   ", actor=owner)  # spaces are no narrative
    db.session.commit()
    with force_locale("en"):
        second = refusal(nomination, form_errors=[])
    assert second == [
        "“ASEAN ESC Award”: add at least one indicator value (on the entry's page).",
        "“Certificate of Recognition – Clean Air (big city)”: write its narrative (on the entry's page)."]
    complete_entries(nomination, owner)
    assert services.submit(nomination, form_errors=[], actor=owner) == "SC-2026-0001"


# -- documents ------------------------------------------------------------------------------

def test_an_upload_is_stored_under_its_sha_and_the_given_name_is_only_shown(app):
    owner = applicant("school")
    round_ = open_round()
    nomination = draft(round_, owner)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    document = services.add_document(nomination, item, None, io.BytesIO(PDF), "..\\..\\C:/tmp/../ho-so\x00.pdf",
                                     actor=owner)
    db.session.commit()
    sha = hashlib.sha256(PDF).hexdigest()
    root = Path(app.config["UPLOAD_FOLDER"])
    assert document.sha256 == sha and document.original_name == "ho-so.pdf"
    assert sorted(p for p in root.rglob("*") if p.is_file()) == [root / sha[:2] / sha]


def test_a_renamed_html_file_is_refused_with_a_clear_message(app):
    owner = applicant("school")
    round_ = open_round()
    nomination = draft(round_, owner)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    with pytest.raises(services.UploadProblem) as refused:
        services.add_document(nomination, item, None, io.BytesIO(HTML), "ho-so.pdf", actor=owner)
    assert "not a PDF, JPEG, PNG or Word" in english(refused.value.messages)[0]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_an_item_takes_no_more_files_than_its_maximum(app):
    owner = applicant("school")
    round_ = open_round()
    nomination = draft(round_, owner, ECO_SCHOOL)
    upload_required(nomination, owner)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    with pytest.raises(services.UploadProblem) as refused:
        services.add_document(nomination, item, None, io.BytesIO(PDF + b"2"), "lan-2.pdf", actor=owner)
    assert "at most 1" in english(refused.value.messages)[0]
    db.session.rollback()
    assert sum(1 for d in db.session.get(Nomination, nomination.id).documents if d.checklist_item_id == item.id) == 1


# -- withdrawal -----------------------------------------------------------------------------

def test_withdrawal_before_approval_keeps_the_reason(app):
    nomination = submitted(open_round())
    lifecycle.withdraw(nomination, "  Trường xin rút hồ sơ để hoàn thiện minh chứng.  ", actor=nomination.applicant)
    db.session.commit()
    assert nomination.state == NominationState.WITHDRAWN
    assert nomination.state_reason == "Trường xin rút hồ sơ để hoàn thiện minh chứng."
    with pytest.raises(InvalidTransition):
        lifecycle.withdraw(nomination, "lần nữa", actor=nomination.applicant)


def test_a_withdrawal_works_in_later_stages_too(app):
    round_ = open_round()
    nomination = submitted(round_)
    round_.state = RoundState.SCREENING
    db.session.commit()
    lifecycle.withdraw(nomination, "Không còn đủ điều kiện.", actor=nomination.applicant)
    db.session.commit()
    assert nomination.state == NominationState.WITHDRAWN
