"""E-mails to principals, officials and jurors are administrative correspondence (issue 19): in Vietnamese they open
"Kính gửi Ông/Bà <name> (<organisation>)," and never say "bạn"; in English "Dear <name>". Every e-mail template is
rendered here, so that a new one is checked too."""

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from award_app.extensions import db
from award_app.notifications import services as notifications
from tests.nominations.factories import applicant, open_round, staff, submitted

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "notifications"
LINK = "https://giaithuong.example.gov.vn/x"


def contexts(nomination, juror) -> dict[str, dict]:
    round_ = nomination.round
    due = date(2027, 1, 20)
    supplement = SimpleNamespace(id=1, nomination=nomination, due_on=due)
    digest = SimpleNamespace(scoring=[SimpleNamespace(round=round_, unfinished=2)],
                             documents=[SimpleNamespace(nomination=nomination, due_on=due, working_days_left=3)],
                             supplements=[SimpleNamespace(supplement=supplement, days_left=4)],
                             asean_deadlines=[SimpleNamespace(round=round_, deadline=due, open_supplements=1,
                                                              package_made=False)])
    return {
        "account_registered": {"sign_in": LINK, "hours": 48, "confirm": LINK},
        "asean_supplement_requested": {"nomination": nomination, "items": ["CV in English"], "supplement": supplement,
                                       "call": SimpleNamespace(deadline=due), "url": LINK},
        "email_confirmation": {"hours": 48, "confirm": LINK},
        "second_factor_reset": {"sign_in": LINK},
        "assignment_digest": {"round": round_, "nominations": [nomination], "link": LINK},
        "conflict_declared": {"round": round_, "juror": juror, "references": [nomination.reference], "link": LINK},
        "council_invitation": {"round": round_, "membership": None, "link": LINK, "days": 7, "needs_password": True},
        "documents_requested": {"nomination": nomination, "items": ["Báo cáo tự đánh giá"],
                                "message": "Xin bổ sung báo cáo có chữ ký.", "due_on": due},
        "password_reset": {"hours": 1, "link": LINK},
        "registration_attempt": {"sign_in": LINK, "reset": LINK},
        "reminder_digest": {"digest": digest, "scoring_link": LINK, "links": {nomination.id: LINK},
                            "supplement_links": {1: LINK}, "asean_links": {getattr(round_, "id", None): LINK}},
        "returned": {"nomination": nomination, "comment": "Thiếu chữ ký của Hiệu trưởng."},
        "screened": {"nomination": nomination, "eligible": False, "reason": "Trường đã được công nhận năm 2023."},
        "submitted": {"nomination": nomination},
    }


def test_every_e_mail_template_is_checked():
    nomination = SimpleNamespace(round=None, id=1, reference="ES-2026-0001")
    kinds = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    assert kinds == set(contexts(nomination, None))  # a new e-mail gets its context here, and is checked below


@pytest.mark.parametrize(("locale", "opening"), [
    ("vi", "Kính gửi Ông/Bà Đỗ Thị Thanh Hương (Trường THCS Nguyễn Trãi),"),
    ("en", "Dear Đỗ Thị Thanh Hương (Trường THCS Nguyễn Trãi),"),
])
def test_e_mails_use_the_formal_address(app, locale, opening):
    school = applicant("school")
    school.locale = locale
    nomination = submitted(open_round(), school)
    juror = staff(full_name="Đặng Thu Hà")
    db.session.commit()
    with app.test_request_context():
        for kind, context in contexts(nomination, juror).items():
            message = notifications.queue(school, kind, **context)
            assert message.body.startswith(opening), (kind, message.body[:80])
            text = f"{message.subject}\n{message.body}"
            assert not re.search(r"\bbạn\b", text, re.IGNORECASE), (kind, text)
    db.session.rollback()


def test_an_account_without_an_organisation_is_addressed_by_name(app):
    juror = staff(full_name="Đặng Thu Hà")
    juror.organisation, juror.locale = "", "vi"
    with app.test_request_context():
        message = notifications.queue(juror, "password_reset", hours=1, link=LINK)
    assert message.body.startswith("Kính gửi Ông/Bà Đặng Thu Hà,\n")
    db.session.rollback()
