"""S1: every route answers each person as the access matrix (tests/access_matrix.py) says, on real objects.

The world — rounds in every stage, dossiers, a council with an assigned, a conflicted and a free juror,
certificates, a job — is built once per database for the whole module; the requests that are checked
never change it (GET, and POST only by those the matrix refuses).
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy
from flask import url_for
from PIL import Image
from sqlalchemy import select

from award_app import create_app
from award_app.accounts import services as accounts
from award_app.accounts import sessions
from award_app.approval import services as approval
from award_app.asean import services as asean
from award_app.audit.models import AuditEvent
from award_app.certificates import services as certificates
from award_app.certificates.models import Certificate
from award_app.clock import today_in_vietnam
from award_app.eligibility import services as eligibility
from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs.tasks import run_committed
from award_app.jury import services as jury
from award_app.jury.models import Assignment, Conflict, ConflictKind
from award_app.nominations import services as nominations
from award_app.ranking import services as ranking
from award_app.rounds import services as rounds
from award_app.rounds.models import CalendarDay, Programme, ProgrammeCode, RoundState
from tests.access_matrix import COLUMNS, rows
from tests.conftest import DATABASES, seeded_app
from tests.helpers import csrf_token, login
from tests.nominations.factories import (
    CITY,
    ECO_SCHOOL,
    PDF,
    add_member,
    advance,
    applicant,
    assign,
    declare_no_conflict,
    draft,
    in_request,
    open_round,
    score,
    screen,
    staff,
    submitted,
    upload_required,
)

MATRIX = rows()
ROUTE_METHODS = ("GET", "POST")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class World:
    people: dict = field(default_factory=dict)     # column → user (None for anonymous)
    objects: dict = field(default_factory=dict)    # object name → URL values
    owners: dict = field(default_factory=dict)     # object name → the user who is "own" for it
    clients: dict = field(default_factory=dict)    # user id (None: anonymous) → (client, CSRF token)
    fingerprint: dict = field(default_factory=dict)  # every row but the audit log's, as last checked
    writes: list = field(default_factory=list)  # INSERT, UPDATE and DELETE statements since the last check


def _record_writes(world: World):
    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") \
                and not statement.lstrip().upper().startswith(f"INSERT INTO {AuditEvent.__tablename__.upper()} "):
            world.writes.append(statement)
    return record


def _council(round_, mine, others, world, secretariat) -> None:
    """jur and conf on `mine`, free and chair on `others`; conf's declared conflict confirmed."""
    people = world.people
    for column in ("jur", "conf", "free"):
        add_member(round_, people[column], secretariat)
    add_member(round_, people["chair"], secretariat, chair=True)
    db.session.commit()
    for nomination in mine:
        assign(nomination, people["jur"], secretariat)
        assign(nomination, people["conf"], secretariat)
    for nomination in others:
        assign(nomination, people["free"], secretariat)
        assign(nomination, people["chair"], secretariat)
    declare_no_conflict(round_, people["jur"], mine)
    declare_no_conflict(round_, people["free"], others)
    declare_no_conflict(round_, people["chair"], others)
    with in_request():
        jury.declare(round_, people["conf"], [(n.id, ConflictKind.SAME_ORGANISATION, "") for n in mine])
    db.session.commit()
    for conflict in db.session.scalars(select(Conflict).where(Conflict.round_id == round_.id)):
        jury.decide_conflict(conflict, True, "Cùng đơn vị công tác.", actor=secretariat)
    db.session.commit()


def _eligible(edition: int, owner, secretariat):
    round_ = open_round(edition=edition)
    mine = submitted(round_, owner)
    others = submitted(round_, details={**ECO_SCHOOL, "school_name": "Trường THCS Lê Lợi"})
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    screen(mine, secretariat)
    screen(others, secretariat)
    return round_, mine, others


def _scored(edition: int, world, secretariat):
    """A round whose council has met: the proposal awaits the approver."""
    round_, mine, others = _eligible(edition, world.people["own"], secretariat)
    _council(round_, [mine], [others], world, secretariat)
    advance(round_, RoundState.SCORING)
    score(mine, world.people["jur"], (22, 24, 23, 21))
    score(others, world.people["free"], (15, 18, 17, 19))
    score(others, world.people["chair"], (16, 18, 17, 19))
    run = ranking.compute(round_, actor=secretariat)
    db.session.commit()
    advance(round_, RoundState.COUNCIL)
    members = [m.user_id for m in jury.council(round_) if m.is_active]
    ranking.record_meeting(round_, held_on=date(2026, 12, 10), present_ids=members, votes_for=len(members),
                           votes_against=0, minutes="Hội đồng thống nhất đề xuất.", actor=world.people["chair"])
    db.session.commit()
    return round_, mine, run


def _approve(round_, run, approver) -> None:
    approval.approve(round_, run, number="123/QĐ-BNNMT", signed_on=date(2026, 12, 15), signer_name="Lê Minh Đức",
                     signer_title="KT. BỘ TRƯỞNG - THỨ TRƯỞNG", actor=approver)
    db.session.commit()


def _asean_supplement(round_, world, secretariat) -> None:
    """The published round's ASEAN nominee (own's dossier) asked for its supplement, with one file."""
    today = today_in_vietnam()
    call = asean.save_call(round_, {"deadline": today + timedelta(days=60), "supplement_due_on": today + timedelta(
        days=30), "signer_title": "Director General"}, version=None, actor=secretariat)
    db.session.commit()
    supplement = asean.request_supplements(round_, actor=secretariat)[0]
    photo = next(r for r in call.requirements if r.code == "photos")
    document = asean.add_document(supplement, photo, io.BytesIO(_jpeg()), "anh.jpg", "", actor=world.people["own"])
    db.session.commit()
    world.objects["asean-entry"] = {"entry_id": supplement.nomination.entries[0].id}
    world.objects["supplement"] = {"asean_supplement_id": supplement.id}
    world.objects["supplement-file"] = {"asean_supplement_id": supplement.id, "asean_document_id": document.id}


def build_world() -> World:
    world = World()
    people = world.people
    people["anon"] = None
    people["own"], people["other"] = applicant("school"), applicant("school")
    people["end="], people["end≠"] = staff(), staff()
    accounts.set_endorser_scopes(people["end="], {("ha-noi-34", "eco_school")})
    accounts.set_endorser_scopes(people["end≠"], {("da-nang-34", "eco_school")})
    for column in ("sec", "appr", "aud", "admin"):
        people[column] = staff({"sec": "secretariat", "appr": "approver", "aud": "auditor"}.get(column, column))
    for column in ("jur", "conf", "free", "chair"):
        people[column] = staff(full_name=f"Giám khảo {column}")
    db.session.commit()
    secretariat, own = people["sec"], people["own"]
    objects = world.objects

    draft_round = rounds.create_round(db.session.get(Programme, ProgrammeCode.ECO_SCHOOL), edition=9,
                                      year=2027)
    db.session.commit()
    objects["draft-round"] = {"round_id": draft_round.id, "rubric_id": draft_round.rubrics[0].id}

    # The open call, with endorsement by the province.
    open_ = open_round(edition=1, endorsement=True)
    objects["open-round"] = {"round_id": open_.id}
    dossier = draft(open_, own, ECO_SCHOOL)
    registration = next(i for i in open_.checklist if i.code == "registration_form")
    document = nominations.add_document(dossier, registration, None, io.BytesIO(PDF), "dang-ky.pdf", actor=own)
    db.session.commit()
    objects["draft-dossier"] = {"nomination_id": dossier.id, "document_id": document.id}
    waiting = draft(open_, own, {**ECO_SCHOOL, "level": "thpt"})  # one dossier per school and level
    upload_required(waiting, own)
    evidence = next(i for i in open_.checklist if i.code == "evidence")
    photo = nominations.add_document(waiting, evidence, open_.rubrics[0].criteria[0], io.BytesIO(_jpeg()),
                                     "anh-hoat-dong.jpg", actor=own)
    nominations.submit(waiting, form_errors=[], actor=own)
    db.session.commit()
    objects["submitted"] = {"nomination_id": waiting.id, "document_id": photo.id}

    # Screening, and a request for missing documents.
    screening = open_round(edition=2)
    to_screen, missing = submitted(screening, own), submitted(screening, own, {**ECO_SCHOOL, "level": "thpt"})
    advance(screening, RoundState.CLOSED, RoundState.SCREENING)
    with in_request():
        eligibility.request_documents(missing, [screening.checklist[0].id], "Xin bổ sung.", actor=secretariat)
    db.session.commit()
    objects["screen-round"] = {"round_id": screening.id}
    objects["screen-dossier"] = {"nomination_id": to_screen.id}
    objects["missing-docs"] = {"nomination_id": missing.id}

    # Scoring: jur scores, conf is conflicted, free and chair have the other dossier.
    scoring_, mine, others = _eligible(3, own, secretariat)
    _council(scoring_, [mine], [others], world, secretariat)
    advance(scoring_, RoundState.SCORING)
    sheet = score(mine, people["jur"], (20, 20, 20, 20))
    entry = mine.entries[0]
    objects["score-round"] = {"round_id": scoring_.id}
    objects["scored-dossier"] = {"nomination_id": mine.id, "entry_id": entry.id, "document_id": mine.documents[0].id}
    objects["sheet"] = {"sheet_id": sheet.id}
    objects["conflict"] = {"conflict_id": db.session.scalar(select(Conflict.id).where(
        Conflict.round_id == scoring_.id))}
    objects["assignment"] = {"assignment_id": db.session.scalar(select(Assignment.id).where(
        Assignment.round_id == scoring_.id, Assignment.juror_id == people["jur"].id))}
    objects["membership"] = {"membership_id": next(m.id for m in jury.council(scoring_)
                                                   if m.user_id == people["free"].id)}
    with in_request():
        invited = jury.invite_member(scoring_, staff(full_name="Giám khảo mời"), is_chair=False, actor=secretariat)
        db.session.commit()
        objects["invitation"] = {"token": jury.invitation_token(invited)}
        objects["invitation-of"] = {"membership_id": invited.id}
        world.owners["invitation"] = world.owners["invitation-of"] = invited.user

    council_round, _mine, _run = _scored(4, world, secretariat)
    objects["council-round"] = {"round_id": council_round.id}

    approved, _mine, run = _scored(5, world, secretariat)
    _approve(approved, run, people["appr"])
    objects["approved-round"] = {"round_id": approved.id}

    published, winner, run = _scored(6, world, secretariat)
    _approve(published, run, people["appr"])
    approval.attach_scan(certificates.decision_of(published), io.BytesIO(PDF), "quyet-dinh.pdf",
                         actor=people["appr"])
    approval.publish(published, actor=people["appr"])
    issued = certificates.issue_for_round(published, actor=secretariat)
    db.session.commit()
    certificate = next(c for c in issued if c.entry.nomination_id == winner.id)
    job = jobs.create("certificates_zip", round_id=published.id, actor=secretariat)
    jobs.start(job)
    db.session.commit()
    run_committed()
    objects["published-round"] = {"round_id": published.id}
    _asean_supplement(published, world, secretariat)
    objects["certificate"] = {"certificate_id": certificate.id}
    objects["code"] = {"code": db.session.get(Certificate, certificate.id).code}
    objects["job"] = {"job_id": job.id}

    # A city's draft with an entry and an indicator value.
    city = open_round(ProgrammeCode.CITY, edition=1)
    indicator = rounds.add_indicator(city, "esc", "Tỉ lệ rác thải được thu gom", "Waste collected", "%",
                                     actor=secretariat)
    committee = applicant("province_committee", full_name="Phan Văn Tùng")
    city_dossier = draft(city, committee, CITY)
    city_entry = city_dossier.entries[0]
    value = nominations.add_indicator_value(city_entry, indicator, 2024, Decimal(92), None, actor=committee)
    db.session.commit()
    objects["city-round"] = {"round_id": city.id, "indicator_id": indicator.id}
    objects["city-entry"] = {"nomination_id": city_dossier.id, "entry_id": city_entry.id, "value_id": value.id}
    world.owners["city-entry"] = world.owners["city-round"] = committee

    objects["user"] = {"user_id": people["other"].id}
    objects["token"] = {"token": accounts.reset_token(people["other"])}
    stranger = staff(full_name="Người ngoài")
    sessions.start(stranger)
    objects["session"] = {"session_id": stranger.session_record.id}
    objects["confirmation"] = {"token": accounts.confirmation_token(stranger)}  # its address is not confirmed
    objects["honoured"] = {"name_id": eligibility.add_honoured(ProgrammeCode.ECO_SCHOOL, "Trường THCS Chu Văn An",
                                                               "", 2024, actor=secretariat).id}
    db.session.commit()
    objects["calendar-day"] = {"day_id": db.session.scalar(select(CalendarDay.id).limit(1))}
    objects["file"] = {"filename": "css/app.css"}
    objects["none"] = {}
    return world


@pytest.fixture(scope="module", params=DATABASES)
def world_app(request, tmp_path_factory):
    """One app and one world per database, for every cell of the matrix."""
    folder = tmp_path_factory.mktemp(f"access-{request.param}")
    with seeded_app(request, folder, request.param) as app:
        world = build_world()
        for user in [*world.people.values(), *world.owners.values()]:
            _client(app, world, user)  # signing in records the time: done before the world's fingerprint
        world.fingerprint = _fingerprint()
        sqlalchemy.event.listen(db.engine, "before_cursor_execute", _record_writes(world))
        yield app, world


def _person(world: World, row: dict, column: str):
    if column == "own":
        return world.owners.get(row["object"], world.people["own"])
    return world.people[column]


def _client(app, world: World, user):
    key = None if user is None else user.id
    if key not in world.clients:
        client = app.test_client()
        if user is not None:
            login(client, user)
        world.clients[key] = (client, csrf_token(client, "/accounts/privacy"))
    return world.clients[key]


def _url(app, row: dict, world: World) -> str:
    values = {"programme_code": "eco_school", "year": 2026, **world.objects[row["object"]]}
    rule = next(r for r in app.url_map.iter_rules(row["endpoint"]) if set(r.arguments) <= set(values))
    with app.test_request_context():
        return url_for(row["endpoint"], **{k: v for k, v in values.items() if k in rule.arguments})


def _outcome(response) -> str:
    if response.status_code == 404:
        return "4"
    if response.status_code in (301, 302, 303) and response.location.split("?")[0].endswith("/accounts/login"):
        return "L"
    if response.status_code < 400:
        return "A"
    return str(response.status_code)


# A valid form for the views that read it before deciding: the refusal must come from the permission.
POST_DATA = {
    "approval.approve": {"number": "99/QĐ-BNNMT", "signed_on": "2026-12-20", "signer_name": "Lê Minh Đức",
                         "signer_title": "Thứ trưởng"},
    "rounds.indicators": {"outcome": "esc", "name_vi": "Chỉ số mới", "name_en": "New index", "unit": "%"},
    "nominations.endorse": {"number": "12/SGDĐT"},
    "approval.revoke": {"reason": "Sai phạm", "decision_reference": "7/QĐ-BNNMT"},
    "scoring.declare_conflict": {"c-kind": "family", "c-detail": "Người thân"},
}


def _post_data(row: dict, world: World) -> dict:
    data = dict(POST_DATA.get(row["endpoint"], {}))
    if row["endpoint"] == "nominations.endorse":
        data["nomination_ids"] = str(world.objects[row["object"]]["nomination_id"])
    if row["endpoint"] == "approval.revoke":
        data["entry_id"] = str(db.session.scalar(select(Certificate.entry_id).limit(1)))
    return data


def _fingerprint() -> dict:
    """Every row of every table but the audit log, whose new events are checked on their own. A session's
    last visit is left out: any request may record it (at most once a minute)."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        if table.name == AuditEvent.__tablename__:
            continue
        columns = [c for c in table.columns if (table.name, c.name) != ("user_session", "last_seen_at")]
        snapshot[table.name] = sorted(map(repr, db.session.execute(select(*columns)).all()))
    return snapshot


def _cells():
    for row in MATRIX:
        for column in COLUMNS:
            expected = row["expect"][column]
            if row["method"] == "POST" and expected == "A":
                continue  # a permitted POST would change the shared world; the refusals are what S1 is about
            yield pytest.param(row, column, id=f"{row['endpoint']}-{row['method']}-{row['object']}-{column}")


def test_every_route_is_in_the_matrix():
    app = create_app({"AWARD_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods & set(ROUTE_METHODS)}
    written = {(row["endpoint"], row["method"]) for row in MATRIX}
    assert not routes - written, f"routes missing from tests/access_matrix.py: {sorted(routes - written)}"
    assert not written - routes, f"the matrix names routes that do not exist: {sorted(written - routes)}"


@pytest.mark.parametrize(("row", "column"), list(_cells()))
def test_access(world_app, row, column):
    app, world = world_app
    client, token = _client(app, world, _person(world, row, column))
    url, expected = _url(app, row, world), row["expect"][column]
    if row["method"] == "GET":
        response = client.get(url)
        response.close()
        assert _outcome(response) == expected, f"GET {url} as {column}: {response.status_code}"
        # S8: no cache keeps any answer but a public static file (pages, exports, personal data, thumbnails).
        assert row["endpoint"] == "static" or "no-store" in response.headers.get("Cache-Control", ""), url
        return
    last_event = db.session.scalar(select(db.func.max(AuditEvent.id)))
    response = client.post(url, data={"csrf_token": token, **_post_data(row, world)})
    response.close()
    assert _outcome(response) == expected, f"POST {url} as {column}: {response.status_code}"
    if world.writes:  # without a write the rows are as they were; reading them all is the slow part of a cell
        world.writes.clear()
        before, world.fingerprint = world.fingerprint, _fingerprint()  # one failure is not blamed on the next
    else:
        before = world.fingerprint
    assert world.fingerprint == before, f"POST {url} as {column} changed data"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.id > last_event)))
    assert actions <= {"access.denied"}, f"POST {url} as {column} wrote {actions}"
