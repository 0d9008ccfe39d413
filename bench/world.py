"""A large national round, written straight into the tables (bulk inserts, a few seconds), for the benchmark
and for the query-count tests.

Three rounds, one per programme, in scoring: every dossier eligible and under review, each with one entry,
`k` jurors of the programme's council assigned, declarations made and every sheet submitted — except, per
juror, `drafts_per_juror` sheets left as saved drafts, so that the score sheet can be saved under load.
The rounds, rubrics, groups and tiers come from the programmes' defaults (`create_round`); everything else is
rows. Points are drawn around each juror's own leniency, so normalisation and reliability have work to do.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from award_app.accounts.models import ApplicantKind, CouncilMembership, Role, RoleGrant, User
from award_app.clock import utcnow
from award_app.extensions import db
from award_app.jury.models import Assignment, Declaration
from award_app.nominations import programmes
from award_app.nominations.models import Entry, Nomination, NominationState
from award_app.rounds.models import Programme, ProgrammeCode, Province, RoundState
from award_app.rounds.services import create_round, provinces_valid_on
from award_app.scoring.models import Score, ScoreSheet, SheetState

PASSWORD = "bench-2026"  # noqa: S105 - accounts of a throw-away benchmark database
PROGRAMMES = (ProgrammeCode.ECO_SCHOOL, ProgrammeCode.YOUTH, ProgrammeCode.CITY)
KINDS = {ProgrammeCode.ECO_SCHOOL: ApplicantKind.SCHOOL, ProgrammeCode.YOUTH: ApplicantKind.YOUNG_PERSON,
         ProgrammeCode.CITY: ApplicantKind.PROVINCE_COMMITTEE}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
GIVEN = ("Thị Mai", "Văn Nam", "Thu Hà", "Minh Đức", "Quốc Bảo", "Thị Lan", "Tấn Phát", "Thanh Hương", "Đức Anh")
BATCH = 5000


@dataclass
class World:
    rounds: list[int] = field(default_factory=list)           # eco-school, youth, city
    secretariat_email: str = ""
    approver_id: int = 0
    jurors: dict[int, list[int]] = field(default_factory=dict)   # round id → juror user ids
    juror_emails: dict[int, str] = field(default_factory=dict)
    drafts: dict[int, list[int]] = field(default_factory=dict)   # juror id → entry ids left as drafts
    submitted: dict[int, list[int]] = field(default_factory=dict)  # juror id → a few submitted entry ids


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"


def _details(code: ProgrammeCode, number: int, province: str, rng: random.Random) -> dict:
    if code == ProgrammeCode.ECO_SCHOOL:
        return {"school_name": f"Trường THCS {_name(rng)} số {number}", "level": "thcs", "pupils": 300 + number % 900,
                "teachers": 20 + number % 60, "address": f"Số {number} đường Lê Lợi", "province_id": province,
                "principal_name": _name(rng), "principal_contact": "0912 345 678",
                "assessment_policy": "Nhà trường có kế hoạch bảo vệ môi trường hằng năm."}
    if code == ProgrammeCode.YOUTH:
        return {"nominee_name": f"{_name(rng)} {number}", "date_of_birth": "2000-05-01", "citizenship": "VN",
                "province_id": province, "fields_of_work": ["waste"], "years_active": 3,
                "achievements": "Tổ chức các buổi thu gom rác thải nhựa ven sông.", "nominator_kind": "organisation",
                "nominator_name": "Tỉnh đoàn", "referee_1_name": _name(rng), "referee_2_name": _name(rng)}
    return {"city_name": f"Thành phố số {number}", "province_id": province, "population": 50_000 + number * 100,
            "area_km2": "120.5", "outcomes": ["esc"], "narrative": "Thành phố giảm lượng rác chôn lấp."}


class _Ids:
    """Primary keys handed out here, after the largest in each table (PostgreSQL's sequences are set after)."""

    def __init__(self):
        self.next = {}

    def take(self, model) -> int:
        table = model.__table__
        if table.name not in self.next:
            self.next[table.name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next[table.name]
        self.next[table.name] += 1
        return value


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def _fix_sequences() -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.type.python_type is int:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608 - our table names
                f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))


def build(nominations: int = 5000, jurors: int = 60, k: int = 5, *, drafts_per_juror: int = 1, seed: int = 2026,
          password_hash: str | None = None) -> World:
    """Build the round in the app's database and commit. `nominations` and `jurors` are split over the three
    programmes (each juror sits on one council)."""
    rng = random.Random(seed)
    ids = _Ids()
    now = utcnow()
    hashed = password_hash or generate_password_hash(PASSWORD, method="scrypt")
    provinces = [p.id for p in provinces_valid_on(now.date())] or list(db.session.scalars(select(Province.id)))
    world = World()
    users, grants = [], []

    def user(email: str, full_name: str, kind=None, roles=()) -> int:
        user_id = ids.take(User)
        users.append({"id": user_id, "email": email, "password_hash": hashed, "full_name": full_name,
                      "organisation": "", "phone": "", "applicant_kind": kind, "province_id": None, "locale": "vi",
                      "is_active_account": True, "consent_at": now, "privacy_notice_version": "2026-1",
                      "session_version": 1, "created_at": now})
        grants.extend({"id": ids.take(RoleGrant), "user_id": user_id, "role": role} for role in roles)
        return user_id

    tag = f"{seed}-{ids.take(User)}"
    world.secretariat_email = f"thuky-{tag}@bench.gov.vn"
    user(world.secretariat_email, "Thư Ký Bench", roles=(Role.SECRETARIAT,))
    world.approver_id = user(f"lanhdao-{tag}@bench.gov.vn", "Lãnh Đạo Bench", roles=(Role.APPROVER,))
    rows = {model: [] for model in (Nomination, Entry, CouncilMembership, Assignment, Declaration, ScoreSheet, Score)}
    for index, code in enumerate(PROGRAMMES):
        share = nominations // 3 + (1 if index < nominations % 3 else 0)
        council = jurors // 3 + (1 if index < jurors % 3 else 0)
        round_ = create_round(db.session.get(Programme, code), edition=90 + seed % 9, year=2026)
        round_.state, round_.endorsement_required, round_.jurors_per_nomination = RoundState.SCORING, False, k
        round_.opens_at, round_.closes_at = now - timedelta(days=60), now - timedelta(days=30)
        round_.scoring_deadline = now + timedelta(days=30)
        db.session.flush()
        world.rounds.append(round_.id)
        groups = [(g.id, [(c.id, c.max_points) for c in g.rubric.criteria]) for g in round_.groups]
        members = []
        for number in range(council):
            email = f"giamkhao-{round_.id}-{number}-{tag}@bench.gov.vn"
            juror_id = user(email, f"Giám khảo {_name(rng)}")
            world.juror_emails[juror_id] = email
            members.append(juror_id)
            rows[CouncilMembership].append({"id": ids.take(CouncilMembership), "user_id": juror_id,
                                            "round_id": round_.id, "is_chair": number == 0, "expertise": [code.value],
                                            "cap": None, "invited_at": now, "accepted_at": now, "withdrawn_at": None})
            rows[Declaration].append({"id": ids.take(Declaration), "round_id": round_.id, "juror_id": juror_id,
                                      "nomination_id": None, "declared_at": now})
        world.jurors[round_.id] = members
        leniency = {j: rng.uniform(-0.12, 0.12) for j in members}
        drafts_left = dict.fromkeys(members, drafts_per_juror)
        for number in range(1, share + 1):
            applicant = user(f"{code.value}-{number}-{tag}@bench.vn", _name(rng), KINDS[code], (Role.APPLICANT,))
            details = _details(code, number, rng.choice(provinces), rng)
            nomination_id, entry_id = ids.take(Nomination), ids.take(Entry)
            reference = f"{round_.programme.ref_prefix}-B{round_.id}-{number:05d}"
            rows[Nomination].append({
                "id": nomination_id, "round_id": round_.id, "applicant_id": applicant, "reference": reference,
                "state": NominationState.UNDER_REVIEW, "display_name": programmes.display_name(code, details),
                "search_text": programmes.search_text(details), "province_id": details["province_id"],
                "details": details, "form_input": {}, "submitted_at": now - timedelta(days=31), "entered_by_id": None,
                "state_reason": "", "flags": [], "requested_items": [], "created_at": now, "updated_at": now,
                "version": 1})
            group_id, criteria = groups[number % len(groups)]
            rows[Entry].append({"id": entry_id, "nomination_id": nomination_id, "group_id": group_id,
                                "narrative": ""})
            quality = rng.uniform(0.45, 0.9)
            for juror_id in rng.sample(members, min(k, len(members))):
                draft = drafts_left[juror_id] > 0
                drafts_left[juror_id] -= draft
                rows[Assignment].append({"id": ids.take(Assignment), "round_id": round_.id,
                                         "nomination_id": nomination_id, "juror_id": juror_id, "pinned": False,
                                         "started_at": now, "submitted_at": None if draft else now,
                                         "created_by_id": None, "created_at": now})
                rows[Declaration].append({"id": ids.take(Declaration), "round_id": round_.id, "juror_id": juror_id,
                                          "nomination_id": nomination_id, "declared_at": now})
                sheet_id, total = ids.take(ScoreSheet), 0
                for position, (criterion_id, maximum) in enumerate(criteria, start=1):
                    share_of_max = min(1.0, max(0.0, quality + leniency[juror_id] + rng.gauss(0, 0.08)))
                    points = min(maximum - 1, max(1, round(share_of_max * maximum)))
                    total += points
                    rows[Score].append({"id": ids.take(Score), "sheet_id": sheet_id, "criterion_id": criterion_id,
                                        "position": position, "points": points, "max_points": maximum,
                                        "comment": "Hồ sơ đầy đủ, minh chứng rõ ràng."})
                rows[ScoreSheet].append({"id": sheet_id, "entry_id": entry_id, "juror_id": juror_id,
                                         "state": SheetState.DRAFT if draft else SheetState.SUBMITTED, "total": total,
                                         "submitted_at": None if draft else now, "updated_at": now, "version": 1})
                (world.drafts if draft else world.submitted).setdefault(juror_id, []).append(entry_id)
    _insert(User, users)
    _insert(RoleGrant, grants)
    for model, values in rows.items():
        _insert(model, values)
    _fix_sequences()
    db.session.commit()
    return world
