"""Building dossiers quickly through the services, for tests about what comes after."""

import io
from datetime import timedelta

from award_app.accounts.models import ApplicantKind
from award_app.accounts.services import register_applicant
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.nominations import services as nominations
from award_app.rounds.models import Programme, ProgrammeCode, Round, RoundState
from award_app.rounds.services import advance_round, create_round
from tests.sample_files import PDF  # noqa: F401 - shared with the tests that import it from here


def open_round(code: ProgrammeCode = ProgrammeCode.ECO_SCHOOL, *, edition: int = 1) -> Round:
    round_ = create_round(db.session.get(Programme, code), edition=edition, year=2026)
    round_.opens_at = utcnow() - timedelta(days=10)
    round_.closes_at = utcnow() + timedelta(days=20)
    advance_round(round_, RoundState.OPEN)
    db.session.commit()
    return round_


def school_applicant(email: str = "truong@example.vn", password: str = "cay-bang-truoc-cong-truong"):
    user = register_applicant(email=email, password=password, full_name="Đỗ Thị Thanh Hương",
                              applicant_kind=ApplicantKind.SCHOOL, organisation="Trường THCS Nguyễn Trãi",
                              phone="", province_id="ha-noi-34", locale=None, notice_version="test",
                              email_confirmed=True)
    db.session.commit()
    return user


def school_details(round_: Round, name: str = "Trường THCS Nguyễn Trãi", province: str = "ha-noi-34") -> dict:
    details = {"school_name": name, "level": "thcs", "pupils": 800, "teachers": 45, "address": "Số 1 Nguyễn Trãi",
               "province_id": province, "principal_name": "Đỗ Thị Thanh Hương", "principal_contact": "0912 345 678"}
    details |= {f"assessment_{c.code}": "Đã thực hiện." for c in round_.rubrics[0].criteria}
    return details


def complete_school_dossier(round_: Round, applicant, name: str = "Trường THCS Nguyễn Trãi",
                            province: str = "ha-noi-34"):
    nomination = nominations.create_nomination(round_, applicant)
    nominations.save_dossier(nomination, {}, school_details(round_, name, province), version=None, actor=applicant)
    items = {i.code: i for i in round_.checklist}
    nominations.add_document(nomination, items["registration_form"], None, io.BytesIO(PDF), "dang-ky.pdf",
                             actor=applicant)
    nominations.add_document(nomination, items["self_assessment"], None, io.BytesIO(PDF), "tu-danh-gia.pdf",
                             actor=applicant)
    for criterion in round_.rubrics[0].criteria:
        nominations.add_document(nomination, items["evidence"], criterion, io.BytesIO(PDF + criterion.code.encode()),
                                 f"minh-chung-{criterion.code}.pdf", actor=applicant)
    db.session.commit()
    return nomination


def submitted_school_dossier(round_: Round, applicant, **kwargs):
    nomination = complete_school_dossier(round_, applicant, **kwargs)
    nominations.submit(nomination, form_errors=[], actor=applicant)
    db.session.commit()
    return nomination
