"""Building rounds, dossiers, councils and score sheets quickly through the services.

Shared by the tests of nominations, eligibility, jury, scoring, approval and exports. Every
helper commits, so that a request made afterwards through the web client sees the state.
"""

import io
import re
import uuid
import zipfile
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from award_app.accounts import services as accounts
from award_app.accounts.models import ApplicantKind, Role
from award_app.approval import services as approval
from award_app.clock import utcnow
from award_app.eligibility import services as eligibility
from award_app.eligibility.models import ScreeningOutcome
from award_app.extensions import db
from award_app.jury import services as jury
from award_app.nominations import programmes
from award_app.nominations import services as nominations
from award_app.nominations.models import Nomination
from award_app.ranking import services as ranking
from award_app.rounds.models import Programme, ProgrammeCode, Round, RoundState
from award_app.rounds.services import advance_round, create_round
from award_app.scoring import services as scoring
from tests.helpers import PASSWORD
from tests.sample_files import JPEG, PDF, PNG  # noqa: F401 - shared with the tests that import them from here

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

VERSION_PATTERN = re.compile(r'name="version" type="hidden" value="(\d+)"')

ECO_SCHOOL = {
    "school_name": "Trường THCS Nguyễn Trãi", "level": "thcs", "pupils": 812, "teachers": 46,
    "address": "Số 1 phố Nguyễn Trãi, Thanh Xuân", "province_id": "ha-noi-34",
    "principal_name": "Đỗ Thị Thanh Hương", "principal_contact": "0912 345 678",
    "assessment_policy": "Nhà trường có kế hoạch bảo vệ môi trường hằng năm.",
    "assessment_curriculum": "Giáo dục môi trường được lồng ghép vào các môn học.",
    "assessment_facilities": "Phân loại rác tại nguồn, tiết kiệm điện và nước.",
    "assessment_partnership": "Phối hợp với phụ huynh và phường trồng cây xanh.",
}
ECO_SCHOOL_FORM = {k: str(v) for k, v in ECO_SCHOOL.items()}

YOUTH = {
    "nominee_name": "Trần Thị Mai", "date_of_birth": "2000-05-01", "citizenship": "VN",
    "nominee_email": "mai.tran@example.vn", "province_id": "ha-noi-34", "fields_of_work": ["waste"],
    "years_active": 3, "achievements": "Tổ chức 40 buổi thu gom rác thải nhựa ven sông Hồng.",
    "nominator_kind": "organisation", "nominator_name": "Thành đoàn Hà Nội", "nominator_contact": "0243 825 1234",
    "referee_1_name": "Nguyễn Văn Bình", "referee_1_contact": "binh@example.vn",
    "referee_2_name": "Lê Thị Cúc", "referee_2_contact": "cuc@example.vn",
}

CITY = {
    "city_name": "Thành phố Huế", "province_id": "hue-34", "population": 800_000, "area_km2": "265.99",
    "outcomes": ["esc"], "narrative": "Huế giảm 30 % lượng rác chôn lấp từ 2020 đến 2025.",
}


WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(*, extra: dict[str, bytes] | None = None, with_document: bool = True) -> bytes:
    """A minimal but real Word document (a ZIP with [Content_Types].xml and word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                                'package/2006/content-types"/>')
        if with_document:
            archive.writestr("word/document.xml", f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>Báo cáo tự '
                                                  'đánh giá</w:t></w:r></w:p></w:body></w:document>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def programme(code: ProgrammeCode) -> Programme:
    return db.session.get(Programme, code)


def open_round(code: ProgrammeCode = ProgrammeCode.ECO_SCHOOL, *, year: int = 2026, edition: int = 1,
               closes_at=None, endorsement: bool = False) -> Round:
    """A round whose call opened ten days ago and closes in twenty days (or at `closes_at`).

    Endorsement by the province is a per-round setting; it is off unless asked for, so that a
    submitted dossier goes straight to screening.
    """
    round_ = create_round(programme(code), edition=edition, year=year)
    round_.endorsement_required = endorsement
    round_.closes_at = closes_at or utcnow() + timedelta(days=20)
    round_.opens_at = min(utcnow(), round_.closes_at) - timedelta(days=10)
    advance_round(round_, RoundState.OPEN)
    db.session.commit()
    return round_


def applicant(kind: str = "school", *, email: str | None = None, full_name: str = "Đỗ Thị Thanh Hương"):
    user = accounts.register_applicant(
        email=email or f"{kind}-{uuid.uuid4().hex[:6]}@truong.edu.vn", password=PASSWORD, full_name=full_name,
        applicant_kind=ApplicantKind(kind), organisation="Trường THCS Nguyễn Trãi", phone="",
        province_id="ha-noi-34", locale=None, notice_version="2026-1", email_confirmed=True)
    db.session.commit()
    return user


def staff(*roles: str, full_name: str = "Nguyễn Văn Thử"):
    user = accounts.create_staff_account(email=f"{'-'.join(roles) or 'juror'}-{uuid.uuid4().hex[:6]}@monre.gov.vn",
                                         password=PASSWORD, full_name=full_name,
                                         organisation="Bộ Nông nghiệp và Môi trường", roles={Role(r) for r in roles})
    db.session.commit()
    return user


def typed(details: dict) -> dict:
    """What a browser would have sent for these values (request.form.to_dict(flat=False))."""
    return {k: [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in details.items()}


def fill(nomination: Nomination, details: dict, actor) -> None:
    nominations.save_dossier(nomination, typed(details), details, version=None, actor=actor)
    db.session.commit()


def content_for(item) -> bytes:
    kinds = item.accepted_kinds
    return PDF if "pdf" in kinds else PNG if "png" in kinds else JPEG


def upload_required(nomination: Nomination, actor) -> None:
    """The smallest set of files the round's checklist asks for."""
    criteria = [c for rubric in nomination.round.rubrics for c in rubric.criteria]
    for item in nomination.round.checklist:
        if "link" in item.accepted_kinds or not item.required:
            continue
        for criterion in criteria if item.per_criterion else [None]:
            for n in range(item.min_count):
                nominations.add_document(nomination, item, criterion, io.BytesIO(content_for(item)),
                                         f"{item.code}-{n}.pdf", actor=actor)
    db.session.commit()


def complete_entries(nomination: Nomination, actor) -> None:
    """A city's entries each with a narrative and one indicator value, as submission requires."""
    for entry in nomination.entries:
        outcome = programmes.entry_outcome(entry)
        indicator = next(i for i in nomination.round.indicators if i.outcome == outcome)
        if not entry.narrative.strip():
            nominations.set_entry_narrative(entry, "Kết quả đo được qua năm năm, có số liệu kèm theo.", actor=actor)
        if not entry.indicator_values:
            nominations.add_indicator_value(entry, indicator, 2025, Decimal("42.5"), None, actor=actor)
    db.session.commit()


def draft(round_: Round, owner, details: dict | None = None) -> Nomination:
    nomination = nominations.create_nomination(round_, owner)
    db.session.commit()
    if details is not None:
        fill(nomination, details, owner)
    return nomination


def submitted(round_: Round, owner=None, details: dict | None = None) -> Nomination:
    """A complete dossier, submitted before the deadline."""
    kind = {ProgrammeCode.ECO_SCHOOL: "school", ProgrammeCode.YOUTH: "young_person",
            ProgrammeCode.CITY: "province_committee"}[round_.programme_code]
    default = {ProgrammeCode.ECO_SCHOOL: ECO_SCHOOL, ProgrammeCode.YOUTH: YOUTH,
               ProgrammeCode.CITY: CITY}[round_.programme_code]
    owner = owner or applicant(kind)
    nomination = draft(round_, owner, details or default)
    upload_required(nomination, owner)
    if round_.programme_code == ProgrammeCode.CITY:
        complete_entries(nomination, owner)
    nominations.submit(nomination, form_errors=[], actor=owner)
    db.session.commit()
    return nomination


def advance(round_: Round, *states: RoundState) -> None:
    for state in states:
        advance_round(round_, state)
    db.session.commit()


def screen(nomination: Nomination, secretariat, outcome: str = "eligible", reason: str = "") -> None:
    eligibility.screen(nomination, ScreeningOutcome(outcome), reason, actor=secretariat)
    db.session.commit()


def eligible_round(count: int = 2, *, names: tuple[str, ...] | None = None):
    """An eco-school round in screening with `count` eligible THCS dossiers; returns (round, dossiers, secretariat)."""
    round_ = open_round()
    names = names or tuple(f"Trường THCS số {n}" for n in range(1, count + 1))
    dossiers = [submitted(round_, details={**ECO_SCHOOL, "school_name": name}) for name in names]
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    secretariat = staff("secretariat")
    for nomination in dossiers:
        screen(nomination, secretariat)
    return round_, dossiers, secretariat


def in_request():
    """A request context around a service that builds links for its e-mails (url_for with _external)."""
    return current_app.test_request_context()


def add_member(round_: Round, user, secretariat, *, chair: bool = False):
    """A council member who accepted (on paper) at once."""
    with in_request():
        return jury.add_member(round_, user, is_chair=chair, actor=secretariat)


def juror(round_: Round, secretariat, *, chair: bool = False, full_name: str = "Đặng Thu Hà"):
    user = staff(full_name=full_name)
    add_member(round_, user, secretariat, chair=chair)
    db.session.commit()
    return user


def declare_no_conflict(round_: Round, user, nominations: list[Nomination]) -> None:
    """The juror's "no conflict" for the round, confirmed again for each dossier they open."""
    jury.declare(round_, user, [])
    for nomination in nominations:
        jury.declare(round_, user, [], nomination=nomination)
    db.session.commit()


def assign(nomination: Nomination, user, secretariat) -> None:
    jury.assign(nomination, user, actor=secretariat)
    db.session.commit()


def score(nomination: Nomination, user, points: tuple[int, ...], *, submit: bool = True, comment: str = "Rõ ràng."):
    entry = nomination.entries[0]
    sheet = scoring.sheet_for(entry, user)
    inputs = [scoring.ScoreInput(s.criterion_id, p, comment) for s, p in zip(sheet.scores, points, strict=True)]
    scoring.save_sheet(sheet, inputs, version=None, submit=submit, actor=user)
    db.session.commit()
    return sheet


def scoring_round(count: int = 2, jurors: int = 1, *, names: tuple[str, ...] | None = None):
    """A round in scoring whose eligible dossiers each have `jurors` assigned jurors."""
    round_, dossiers, secretariat = eligible_round(count, names=names)
    council = [juror(round_, secretariat, chair=n == 0, full_name=f"Giám khảo {n}") for n in range(jurors)]
    for nomination in dossiers:
        for member in council:
            assign(nomination, member, secretariat)
    for member in council:
        declare_no_conflict(round_, member, dossiers)
    advance(round_, RoundState.SCORING)
    return round_, dossiers, secretariat, council


def council_round(points: tuple[tuple[int, ...], ...] = ((22, 24, 23, 21), (15, 18, 17, 19)), *,
                  names: tuple[str, ...] | None = None, prizes_per_group: int | None = None):
    """A round in the council stage: scored, ranked, ready for approval (with `prizes_per_group` prizes of each
    rank-based tier per group, when given)."""
    round_, dossiers, secretariat, council = scoring_round(len(points), names=names)
    if prizes_per_group is not None:
        for tier in round_.tiers:
            tier.count_per_group = prizes_per_group if tier.by_rank else 0
    for nomination, given in zip(dossiers, points, strict=True):
        score(nomination, council[0], given)
    run = ranking.compute(round_, actor=secretariat)
    db.session.commit()
    advance(round_, RoundState.COUNCIL)
    members = [m for m in jury.council(round_) if m.is_active]
    ranking.record_meeting(round_, held_on=date(2026, 12, 10), present_ids=[m.user_id for m in members],
                           votes_for=len(members), votes_against=0, minutes="Hội đồng thống nhất đề xuất.",
                           actor=next(m.user for m in members if m.is_chair))
    db.session.commit()
    return round_, dossiers, secretariat, council, run


def approve(round_: Round, run, approver) -> None:
    approval.approve(round_, run, number="123/QĐ-BNNMT", signed_on=date(2026, 12, 15), signer_name="Lê Minh Đức",
                     signer_title="KT. BỘ TRƯỞNG - THỨ TRƯỞNG", actor=approver)
    db.session.commit()
