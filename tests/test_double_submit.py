"""R2: the same form sent twice at the same moment (a double click, two tabs) — a dossier's submission, a
score sheet's submission, the ministry's approval — yields exactly one transition and one row; the other
answer is an ordinary page (the form again, or a message), never a server error."""

import re
import threading

from sqlalchemy import func, select

from award_app.approval.models import Decision
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.nominations.models import Nomination, NominationState
from award_app.scoring.models import ScoreSheet, SheetState
from tests.helpers import CSRF_PATTERN, login
from tests.nominations.factories import (
    ECO_SCHOOL_FORM,
    applicant,
    council_round,
    draft,
    open_round,
    scoring_round,
    staff,
    upload_required,
)

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
CRITERIA = re.compile(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"')


def twice_at_once(app, user, url: str, form: dict) -> list[int]:
    """Two tabs of one signed-in user, each with the form as loaded, send it at the same moment."""
    tabs = []
    for _ in range(2):
        tab = app.test_client()
        login(tab, user)
        page = tab.get(url).get_data(as_text=True)
        fields = dict(form(page) if callable(form) else form)
        fields["csrf_token"] = CSRF_PATTERN.search(page).group(1)
        tabs.append((tab, fields))
    together, answers = threading.Barrier(2), []

    def send(tab, fields):
        with app.app_context():
            together.wait()
            answers.append(tab.post(url, data=fields).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()  # a fresh snapshot: see what both requests committed
    return sorted(answers)


def events(action: str, object_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_id == str(object_id)))


def test_a_dossier_submitted_twice_at_once_is_submitted_once(app):
    school = applicant("school")
    nomination = draft(open_round(), school)
    upload_required(nomination, school)
    db.session.commit()
    answers = twice_at_once(app, school, f"/nominations/{nomination.id}/edit", lambda page: {
        **ECO_SCHOOL_FORM, "version": VERSION.search(page).group(1), "action": "submit"})
    assert all(code < 500 for code in answers) and 302 in answers, answers
    nomination = db.session.get(Nomination, nomination.id)
    assert nomination.state == NominationState.SUBMITTED and nomination.reference
    assert events("nomination.submitted", nomination.id) == 1


def test_a_score_sheet_submitted_twice_at_once_is_one_submitted_sheet(app):
    _round, dossiers, _secretariat, council = scoring_round(1)
    juror = council[0]
    entry = dossiers[0].entries[0]

    def sheet_form(page):
        form = {"version": VERSION.search(page).group(1), "action": "submit"}
        for row, criterion_id in CRITERIA.findall(page):
            form |= {f"scores-{row}-criterion_id": criterion_id, f"scores-{row}-points": "10",
                     f"scores-{row}-comment": "Minh chứng rõ ràng."}
        return form

    answers = twice_at_once(app, juror, f"/scoring/entries/{entry.id}", sheet_form)
    assert all(code < 500 for code in answers) and 302 in answers, answers
    sheets = db.session.scalars(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id,
                                                         ScoreSheet.juror_id == juror.id)).all()
    assert len(sheets) == 1 and sheets[0].state == SheetState.SUBMITTED
    assert events("score_sheet.submitted", sheets[0].id) == 1


def test_the_approval_sent_twice_at_once_is_one_decision(app):
    round_, _dossiers, _secretariat, _council, _run = council_round()
    approver = staff("approver")
    answers = twice_at_once(app, approver, f"/approval/round/{round_.id}", {
        "number": "123/QĐ-BNNMT", "signed_on": "15/12/2026", "signer_name": "Lê Minh Đức",
        "signer_title": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"})
    assert all(code < 500 for code in answers) and 302 in answers, answers
    assert db.session.scalar(select(func.count()).select_from(Decision).where(Decision.round_id == round_.id)) == 1
