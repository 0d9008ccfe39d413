"""Pages the round's people rely on that the end-to-end round does not pass through: the juror's invitation link,
the secretariat's nomination list and search, the council's meeting refused for want of a quorum, the approved
round's exports, the certificates' ZIP, the auditor's log. Vietnamese on a phone, English on a desktop window, and
Vietnamese on a 768 px tablet, with the same checks on every page as the whole round."""

import re

import pytest

from award_app.extensions import db
from award_app.jury import services as jury
from award_app.rounds.models import ProgrammeCode
from tests.browser.scenario import Scenario, pass_second_step
from tests.helpers import PASSWORD
from tests.nominations import factories as make

RUNS = [("vi", "phone"), ("en", "desktop"), ("vi", "tablet")]
NO_QUORUM = {"vi": "Không đủ số thành viên tối thiểu", "en": "No quorum"}


@pytest.fixture(params=RUNS, ids=["-".join(run) for run in RUNS])
def run(request, chromium, live_server):
    lang, viewport = request.param
    scenario = Scenario(chromium, live_server.url, lang, viewport, name=f"staff-{lang}-{viewport}")
    request.addfinalizer(scenario.close)
    return scenario


def invited_juror():
    """An account invited to the council of an open round; returns the invitation's path and the account."""
    round_ = make.open_round(ProgrammeCode.YOUTH)
    secretariat = make.staff("secretariat")
    user = make.staff(full_name="Phạm Quốc Bảo")
    with make.in_request():
        membership = jury.invite_member(round_, user, is_chair=False, actor=secretariat)
        db.session.commit()
        return f"/jury/invitations/{jury.invitation_token(membership)}", user


def test_the_pages_beside_the_main_path(run, live_app):
    round_, _, secretariat, council, ranking_run = make.council_round(names=("Trường THCS Lê Quý Đôn",
                                                                             "Trường THCS Hòa Bình"))
    invitation, invitee = invited_juror()
    approver, auditor = make.staff("approver"), make.staff("auditor")

    # The invited juror opens the e-mailed link: the link signs nobody in, so they sign in, come back, accept.
    page = run.new_page()
    page.goto(invitation)
    page.wait_for_url(re.compile(r"/accounts/login"))
    run.shot(page, "invitation-sign-in", axe=True)
    page.fill("input[name=email]", invitee.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button.primary")
    pass_second_step(page, invitee.email)  # a juror-to-be sets up the second step, then comes back
    page.wait_for_url(re.compile(r"/jury/invitations/"))
    run.shot(page, "invitation", axe=True)
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/jury/round/\d+/declaration"))
    run.shot(page, "invitation-accepted-declaration", axe=True)

    # The secretariat lists the round's dossiers and finds one without typing the accents.
    staff = run.sign_in(secretariat.email)
    staff.goto(f"/nominations/round/{round_.id}")
    run.shot(staff, "nominations-list", axe=True)
    staff.fill("input[name=q]", "le quy don")
    staff.click("form.filters button")
    staff.wait_for_load_state()
    assert staff.locator("main tbody tr").count() == 1 and "Lê Quý Đôn" in staff.locator("main tbody").inner_text()
    run.shot(staff, "nominations-search")

    # The chair records a meeting nobody is marked present at: refused, and the form keeps what was typed.
    chair = run.sign_in(council[0].email)
    chair.goto(f"/ranking/round/{round_.id}/meeting")
    chair.fill("input[name=held_on]", "10/12/2026")
    for box in chair.locator("input[name=present]").all():
        box.uncheck()
    chair.fill("input[name=votes_for]", "1")
    chair.fill("input[name=votes_against]", "0")
    chair.fill("textarea[name=minutes]", "Họp trực tuyến.")
    chair.click("main form button.primary")
    chair.wait_for_load_state()
    assert NO_QUORUM[run.lang] in chair.locator("main fieldset").inner_text()  # beside who was present
    assert chair.locator("textarea[name=minutes]").input_value() == "Họp trực tuyến."
    run.shot(chair, "meeting-no-quorum", axe=True)

    # Approved: the ranking's and the decision's exports download.
    db.session.rollback()  # a fresh snapshot: the server wrote since this session last read (SQLite's lock)
    make.approve(round_, ranking_run, approver)
    staff.goto(f"/approval/round/{round_.id}")
    run.shot(staff, "approved-round-exports", axe=True)
    for link in staff.locator("main a[href*='/exports/']").all():
        response = staff.request.get(link.get_attribute("href"))
        assert response.status == 200, link.get_attribute("href")
    staff.goto(f"/ranking/round/{round_.id}")
    run.shot(staff, "ranking-approved", axe=True)

    # All certificates in one ZIP, prepared in the background.
    staff.goto(f"/certificates/round/{round_.id}")
    staff.click("form[action$='/issue'] button")
    staff.wait_for_load_state()
    staff.click("form[action$='/zip'] button")
    staff.wait_for_url(re.compile(r"/jobs/\d+"))
    staff.get_by_role("link", name=re.compile(r"\.zip")).wait_for()
    run.shot(staff, "certificates-zip", axe=True)

    # The auditor reads the log, filtered to the round's council.
    audit = run.sign_in(auditor.email)
    audit.goto("/audit/")
    run.shot(audit, "audit-log", axe=True)
    audit.fill("input[name=action]", "council")
    audit.click("form.filters button")
    audit.wait_for_load_state()
    assert "council.meeting_recorded" in audit.locator("main table").inner_text()
    run.shot(audit, "audit-log-filtered")

    assert not run.problems, "\n".join(run.problems)
