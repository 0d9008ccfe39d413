"""Issue 5: conflicts of interest, automatic assignment through the services and pages, withdrawal, digests."""

from sqlalchemy import func, select

from award_app.accounts.services import create_staff_account
from award_app.eligibility.models import ScreeningOutcome
from award_app.eligibility.services import screen
from award_app.extensions import db
from award_app.jury import services
from award_app.jury.conflicts import DossierFacts, JurorFacts, detect
from award_app.jury.models import Assignment, Conflict, ConflictKind, ConflictStatus
from award_app.jury.permissions import is_assigned
from award_app.jury.planner import Infeasible, Plan
from award_app.notifications.models import OutboxMessage
from award_app.rounds.models import RoundState
from award_app.rounds.services import advance_round
from tests.fixtures_dossiers import open_round, school_applicant, submitted_school_dossier
from tests.helpers import login, submit


def test_detection_finds_organisation_province_and_referees():
    juror = JurorFacts("Trần Thị Lan", "lan.tran@vnu.edu.vn", "Trường THCS Nguyễn Trãi", "ha-noi-34")
    dossier = DossierFacts("THCS Nguyễn Trãi (Hà Nội)", "ha-noi-34", ("Thành đoàn Hà Nội", "PGS.TS. Trần Thị Lan"))
    kinds = [kind for kind, _ in detect(juror, dossier)]
    assert kinds == ["same_organisation", "same_province", "nominator_or_referee"]
    stranger = JurorFacts("Lê Văn Minh", "minh@hue.edu.vn", "Đại học Huế", "hue-34")
    assert detect(stranger, dossier) == []


def _round_with_dossiers(make_user, count=4, jurors=4):
    round_ = open_round()
    round_.endorsement_required = False
    round_.jurors_per_nomination = 2
    dossiers = [submitted_school_dossier(round_, school_applicant(f"s{i}@truong.vn"), name=f"Trường THCS Số {i}")
                for i in range(count)]
    secretariat = make_user("secretariat")
    advance_round(round_, RoundState.CLOSED)
    advance_round(round_, RoundState.SCREENING)
    for nomination in dossiers:
        screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    members = []
    for j in range(jurors):
        user = create_staff_account(email=f"j{j}@vien.vn", password="ca-chep-vuot-vu-mon", full_name=f"Giám khảo {j}",
                                    organisation=f"Viện {j}", roles=set())
        members.append(services.add_member(round_, user, is_chair=j == 0, actor=secretariat))
    db.session.commit()
    return round_, dossiers, [m.user for m in members], secretariat


def test_automatic_assignment_respects_conflicts_and_keeps_pins(app, make_user):
    round_, dossiers, jurors, secretariat = _round_with_dossiers(make_user)
    conflict = Conflict(round_id=round_.id, nomination_id=dossiers[0].id, juror_id=jurors[0].id,
                        kind=ConflictKind.FAMILY, source="declared", detail="em họ")
    db.session.add(conflict)
    pinned = services.assign(dossiers[1], jurors[3], actor=secretariat)
    db.session.commit()
    result = services.auto_assign(round_, actor=secretariat)
    db.session.commit()
    assert isinstance(result, Plan)
    pairs = {(a.nomination_id, a.juror_id) for a in db.session.scalars(select(Assignment))}
    assert (dossiers[0].id, jurors[0].id) not in pairs  # pending conflict: never assigned
    assert (pinned.nomination_id, pinned.juror_id) in pairs
    assert all(sum(1 for n, _ in pairs if n == d.id) == 2 for d in dossiers)
    assert set(result.loads.values()) == {2}


def test_the_assignment_page_names_the_dossier_that_cannot_be_staffed(app, client, make_user, signed_in):
    round_, dossiers, jurors, _secretariat = _round_with_dossiers(make_user, count=2, jurors=2)
    db.session.add(Conflict(round_id=round_.id, nomination_id=dossiers[1].id, juror_id=jurors[1].id,
                            kind=ConflictKind.SAME_ORGANISATION, source="detected", detail="x"))
    db.session.commit()
    signed_in("secretariat")
    url = f"/jury/round/{round_.id}/assignments"
    page = submit(client, f"{url}/auto", form_url=url, follow_redirects=True,
                  headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"Only 1 jurors have no conflict with {dossiers[1].reference}; 2 are needed." in page


def test_a_confirmed_conflict_removes_access_and_score_and_can_be_undone(app, make_user):
    round_, dossiers, jurors, secretariat = _round_with_dossiers(make_user)
    services.auto_assign(round_, actor=secretariat)
    db.session.commit()
    assignment = db.session.scalars(select(Assignment).where(Assignment.nomination_id == dossiers[0].id)).first()
    juror = db.session.get(type(jurors[0]), assignment.juror_id)
    assert is_assigned(juror, dossiers[0])
    services.declare(round_, juror, [(dossiers[0].id, ConflictKind.RECENT_COLLABORATION, "dự án 2023")],
                     nomination=dossiers[0])
    conflict = db.session.scalars(select(Conflict)).one()
    services.decide_conflict(conflict, True, "Đã cùng làm dự án năm 2023", actor=secretariat)
    db.session.commit()
    assert not is_assigned(juror, dossiers[0])
    assert (dossiers[0].id, juror.id) in services.set_aside_pairs(round_)
    services.decide_conflict(conflict, False, "Nhầm lẫn: dự án khác", actor=secretariat)
    db.session.commit()
    assert conflict.status == ConflictStatus.REJECTED and is_assigned(juror, dossiers[0])


def test_a_withdrawn_jurors_dossiers_go_to_others(app, make_user):
    round_, dossiers, jurors, secretariat = _round_with_dossiers(make_user, count=4, jurors=4)
    services.auto_assign(round_, actor=secretariat)
    db.session.commit()
    leaving = next(m for m in services.council(round_) if m.user_id == jurors[2].id)
    result = services.withdraw_member(leaving, actor=secretariat)
    db.session.commit()
    assert isinstance(result, Plan | Infeasible)
    remaining = db.session.scalars(select(Assignment)).all()
    assert all(a.juror_id != jurors[2].id for a in remaining)
    for nomination in dossiers:
        assert sum(1 for a in remaining if a.nomination_id == nomination.id) == 2


def test_each_juror_gets_one_digest(app, make_user):
    round_, _dossiers, jurors, secretariat = _round_with_dossiers(make_user)
    services.auto_assign(round_, actor=secretariat)
    sent = services.send_digests(round_, actor=secretariat)
    db.session.commit()
    assert sent == len(jurors)
    counts = dict(db.session.execute(select(OutboxMessage.to_email, func.count()).where(
        OutboxMessage.kind == "assignment_digest").group_by(OutboxMessage.to_email)).all())
    assert set(counts.values()) == {1}


def test_a_juror_declares_before_opening_and_a_blind_round_hides_names(app, make_user):
    round_, dossiers, jurors, secretariat = _round_with_dossiers(make_user)
    round_.blind = True
    services.auto_assign(round_, actor=secretariat)
    db.session.commit()
    client = app.test_client()
    login(client, jurors[0].email, "ca-chep-vuot-vu-mon")
    page = client.get(f"/jury/round/{round_.id}/declaration").get_data(as_text=True)
    assert dossiers[0].reference in page and "Trường THCS Số 0" not in page
    response = submit(client, f"/jury/round/{round_.id}/declaration",
                      {f"conflict-{dossiers[3].id}": "family", f"detail-{dossiers[3].id}": "con gái"})
    assert response.status_code == 302
    declared = db.session.scalars(select(Conflict).where(Conflict.juror_id == jurors[0].id)).one()
    assert declared.nomination_id == dossiers[3].id and declared.status == ConflictStatus.PENDING


def test_an_invited_juror_sees_nothing_before_accepting(app, make_user):
    round_, dossiers, _jurors, secretariat = _round_with_dossiers(make_user, jurors=2)
    newcomer = create_staff_account(email="moi@vien.vn", password="ca-chep-vuot-vu-mon", full_name="Người Mới",
                                    organisation="", roles=set())
    membership = services.invite_member(round_, newcomer, is_chair=False, actor=secretariat)
    db.session.commit()
    client = app.test_client()
    login(client, newcomer.email, "ca-chep-vuot-vu-mon")
    assert client.get(f"/jury/round/{round_.id}/declaration").status_code == 404
    assert client.get("/scoring/").status_code == 404
    token = services.invitation_token(membership)
    accepted = submit(client, f"/jury/invitations/{token}")
    assert accepted.location.endswith(f"/jury/round/{round_.id}/declaration")
    assert client.get(f"/jury/round/{round_.id}/declaration").status_code == 200
    assert client.get("/jury/invitations/not-a-token").status_code == 404
