"""The supplement, the checklist and the package, through the services."""

import io
import zipfile
from datetime import timedelta

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from award_app.asean import services
from award_app.asean.models import SupplementState
from award_app.audit.models import AuditEvent
from award_app.clock import today_in_vietnam
from award_app.errors import InvalidTransition, StaleEdit
from award_app.extensions import db
from award_app.nominations.services import UploadProblem
from award_app.notifications.models import OutboxMessage
from award_app.storage import current_storage
from tests.asean.factories import (
    JPEG,
    approved_round,
    city_round,
    complete_youth,
    fill_english,
    open_call,
    requested,
    upload,
    youth_round,
)
from tests.nominations.factories import HTML, council_round


def _messages(problems) -> list[str]:
    with force_locale("en"):
        return [str(p) for p in problems]


def _open(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_supplements_follow_the_approved_decision_only(app):
    round_, _dossiers, secretariat, _council, _run = council_round()
    with pytest.raises(InvalidTransition):
        services.save_call(round_, {"deadline": today_in_vietnam() + timedelta(days=30)}, version=None,
                           actor=secretariat)


def test_each_nominee_is_asked_by_e_mail_with_a_due_date_before_asean_s_deadline(app):
    round_, dossiers, secretariat = approved_round()
    deadline = today_in_vietnam() + timedelta(days=40)
    with force_locale("en"), pytest.raises(InvalidTransition, match="before ASEAN's deadline"):
        services.save_call(round_, {"deadline": deadline, "supplement_due_on": deadline}, version=None,
                           actor=secretariat)
    db.session.rollback()
    open_call(round_, secretariat, deadline=deadline, due=deadline - timedelta(days=10))
    made = services.request_supplements(round_, actor=secretariat)
    db.session.commit()
    assert [s.nomination_id for s in made] == [dossiers[0].id]  # the 90-point school; 69 is below 70
    assert made[0].due_on == deadline - timedelta(days=10)
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == dossiers[0].applicant_id,
                                                          OutboxMessage.kind == "asean_supplement_requested")).one()
    assert f"/asean/supplements/{made[0].id}" in mail.body
    assert services.request_supplements(round_, actor=secretariat) == []  # asked once


def test_the_national_dossier_never_changes(app):
    round_, dossiers, secretariat = approved_round()
    nomination = dossiers[0]
    before = (nomination.version, dict(nomination.details), [d.sha256 for d in nomination.documents])
    supplement = requested(round_, secretariat)[0]
    fill_english(supplement, nomination.applicant)
    upload(supplement, "photos", nomination.applicant, body=JPEG, name="anh.jpg")
    db.session.refresh(nomination)
    assert (nomination.version, dict(nomination.details), [d.sha256 for d in nomination.documents]) == before


def test_a_stale_save_is_refused_and_the_newer_text_kept(app):
    round_, dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    old_version = supplement.version
    services.save_english(supplement, {"name": "Nguyen Trai School"}, version=old_version, actor=secretariat)
    db.session.commit()
    with pytest.raises(StaleEdit):
        services.save_english(supplement, {"name": "Something older"}, version=old_version,
                              actor=dossiers[0].applicant)
    db.session.rollback()
    assert db.session.get(type(supplement), supplement.id).english["name"] == "Nguyen Trai School"


def test_the_secretariat_s_english_is_marked_as_such(app):
    round_, dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    services.save_english(supplement, {"name": "Nguyen Trai School", "assessment_policy": "A plan."},
                          version=None, actor=dossiers[0].applicant)
    services.save_english(supplement, {"name": "Nguyen Trai Lower Secondary School",
                                       "assessment_policy": "A plan."}, version=None, actor=secretariat)
    db.session.commit()
    assert supplement.english_by == {"name": "secretariat", "assessment_policy": "nominee"}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "asean.supplement_saved")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.details["by"] == "secretariat" and event.details["fields"] == ["name"]


def test_uploads_pass_the_checks_of_dossier_files(app):
    round_, dossiers, secretariat = approved_round()
    supplement = requested(round_, secretariat)[0]
    before = sorted(current_storage().list_keys())
    with force_locale("en"), pytest.raises(UploadProblem, match="whatever its name says"):
        upload(supplement, "supporting_documents", dossiers[0].applicant, body=HTML, name="evidence.pdf")
    db.session.rollback()
    with force_locale("en"), pytest.raises(UploadProblem, match="not accepted"):
        upload(supplement, "photos", dossiers[0].applicant, name="photo.pdf")  # a PDF where photos go
    db.session.rollback()
    assert supplement.documents == [] and sorted(current_storage().list_keys()) == before


def test_the_nominee_sends_a_complete_supplement_and_only_the_secretariat_corrects_it_afterwards(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    nominee = dossiers[0].applicant
    with force_locale("en"), pytest.raises(InvalidTransition) as refused:
        services.send_supplement(supplement, actor=nominee)
    assert "“Curriculum vitae in English”: 0 of at least 1 files." in _messages(refused.value.messages)
    db.session.rollback()
    complete_youth(supplement, nominee)
    services.send_supplement(supplement, actor=nominee)
    db.session.commit()
    assert supplement.state == SupplementState.SENT
    with pytest.raises(InvalidTransition):
        services.save_english(supplement, {"name": "Tran Thi Mai"}, version=None, actor=nominee)
    db.session.rollback()
    services.save_english(supplement, {"name": "Tran Thi Mai", "achievements": "Forty clean-ups."}, version=None,
                          actor=secretariat)
    db.session.commit()
    assert supplement.english["name"] == "Tran Thi Mai"


def test_a_testimonial_by_the_nominator_is_named_in_the_checklist(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    nominee = dossiers[0].applicant
    fill_english(supplement, nominee)
    upload(supplement, "cv", nominee)
    upload(supplement, "testimonials", nominee, author="Thành đoàn Hà Nội")
    upload(supplement, "testimonials", nominee, author="Lê Thị Cúc")
    with force_locale("en"):
        gaps = _messages(services.supplement_gaps(supplement))
    assert gaps == [
        "“Testimonials in English (not by the nominator)”: “Thành đoàn Hà Nội” is the nominator; it must come from "
        "someone else."]
    with force_locale("en"), pytest.raises(UploadProblem, match="Name the author"):
        upload(supplement, "testimonials", nominee, author="  ")


def test_the_package_is_refused_while_the_checklist_has_gaps(app):
    round_, _dossiers, secretariat = approved_round()
    with pytest.raises(services.PackageRefused):
        services.make_package(round_, actor=secretariat)  # no deadline, no supplement yet
    db.session.rollback()
    supplement = requested(round_, secretariat)[0]
    check = services.package_check(round_)
    assert not check.ready and check.nominees[supplement.nomination_id]
    with pytest.raises(services.PackageRefused):
        services.make_package(round_, actor=secretariat)


def test_every_file_of_the_package_is_in_the_manifest_with_its_sha256(app):
    round_, dossiers, secretariat = youth_round()
    supplement = requested(round_, secretariat)[0]
    complete_youth(supplement, dossiers[0].applicant)
    body, name = services.make_package(round_, actor=secretariat)
    db.session.commit()
    files = _open(body)
    top = name.removesuffix(".zip")
    assert name == "VN_AYECA_2026.zip"
    manifest = files.pop(f"{top}/MANIFEST-SHA256.txt").decode()
    listed = dict(reversed(line.split("  ", 1)) for line in manifest.splitlines())
    assert {f"{top}/{path}" for path in listed} == set(files)
    import hashlib

    for path, digest in listed.items():
        assert hashlib.sha256(files[f"{top}/{path}"]).hexdigest() == digest, path
    folder = "01_Senior-26-35_Nguyen-Trai-Lower-Secondary-School"
    assert sorted(p for p in listed if p.startswith(folder)) == [f"{folder}/{n}" for n in (
        "01_Nomination_form.pdf", "02_CV.pdf", "03_Testimonial_1.pdf", "03_Testimonial_2.pdf",
        "04_Profile-photo.png", "05_Action-photo_1.png", "05_Action-photo_2.png", "05_Action-photo_3.png",
        "05_Action-photo_4.png", "05_Action-photo_5.png")]
    assert {"00_Cover_letter.pdf", "00_National_decision.pdf"} <= set(listed)
    form = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files[f"{top}/{folder}/01_Nomination_form.pdf"]
                                                                          )).pages)
    assert "ASEAN Youth Eco-Champions Award 2026" in form and "Nguyễn Văn Bình" in form and "Lê Thị Cúc" in form
    letter = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files[f"{top}/00_Cover_letter.pdf"])).pages)
    assert "123/QĐ-BNNMT" in letter and "Nguyễn Văn Tài" in letter
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "asean.package_made")).one()
    assert event.details["manifest_sha256"] == hashlib.sha256(manifest.encode()).hexdigest()


def test_the_signed_decision_scan_goes_into_the_package_as_uploaded(app):
    from award_app.approval import services as approval
    from tests.nominations.factories import PDF

    round_, dossiers, secretariat = approved_round()
    approval.attach_scan(services.decision_of(round_), io.BytesIO(PDF), "qd.pdf", actor=secretariat)
    db.session.commit()
    fill_english(requested(round_, secretariat)[0], dossiers[0].applicant)
    body, name = services.make_package(round_, actor=secretariat)
    assert _open(body)[f"{name.removesuffix('.zip')}/00_National_decision.pdf"] == current_storage().read(
        f"{services.decision_of(round_).scan_sha256[:2]}/{services.decision_of(round_).scan_sha256}")


def test_a_city_s_form_carries_each_nominated_entry_and_its_indicator_table(app):
    round_, dossiers, secretariat = city_round()
    assert sorted(n.category for n in services.nominees(round_)) == ["cor_clean_air_big", "esc"]
    supplement = requested(round_, secretariat)[0]
    keys = [f.key for f in services.english_fields(supplement)]
    assert keys == ["name", "narrative", "entry_esc", "entry_cor_clean_air_big"]
    fill_english(supplement, secretariat)
    body, name = services.make_package(round_, actor=secretariat)
    files = _open(body)
    form = next(v for k, v in files.items() if k.endswith("01_Nomination_form.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(form)).pages)
    assert "Certificate of Recognition – Clean Air (big city)" in text and "English by the national secretariat" in text
