"""Loading the demo: every step looks up before it creates, so a second run changes nothing."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

import segno
from sqlalchemy import select

from award_app.accounts import second_factor
from award_app.accounts import services as accounts
from award_app.accounts.models import ApplicantKind, EndorserScope, Role, User
from award_app.approval.services import approve
from award_app.asean import services as asean
from award_app.certificates.services import issue_for_round
from award_app.clock import today_in_vietnam, utcnow
from award_app.demo import data
from award_app.eligibility.models import ScreeningOutcome
from award_app.eligibility.services import screen
from award_app.extensions import db
from award_app.i18n import format_number
from award_app.jury import services as jury
from award_app.nominations import programmes
from award_app.nominations import services as nominations
from award_app.nominations.models import Nomination
from award_app.ranking.services import compute, record_meeting
from award_app.rounds import services as rounds
from award_app.rounds.models import Programme, ProgrammeCode, Round, RoundState
from award_app.scoring.services import ScoreInput, save_sheet, sheet_for

PAST_CALL = (datetime(2025, 7, 15, 1, 0, tzinfo=UTC), datetime(2025, 9, 30, 10, 0, tzinfo=UTC))
STATE_ORDER = [RoundState.OPEN, RoundState.CLOSED, RoundState.SCREENING, RoundState.SCORING, RoundState.COUNCIL]


def _staff(email, full_name, organisation, roles, password) -> User:
    return accounts.find_user_by_email(email) or accounts.create_staff_account(
        email=email, password=password, full_name=full_name, organisation=organisation,
        roles={Role(r) for r in roles}, email_confirmed=True)


def _applicant(email, full_name, organisation, kind, province, phone, password) -> User:
    return accounts.find_user_by_email(email) or accounts.register_applicant(
        email=email, password=password, full_name=full_name, applicant_kind=ApplicantKind(kind),
        organisation=organisation, phone=phone, province_id=province, locale=None, notice_version="demo",
        email_confirmed=True)


def _users(password: str, totp_secret: str) -> dict[str, User]:
    """Staff, council members and endorsers have the demo's second factor set up; applicants have none."""
    users = {}
    for email, name, organisation, roles in data.STAFF:
        users[email] = _staff(email, name, organisation, roles, password)
        second_factor.set_up_for_the_demo(users[email], totp_secret)
    for email, name, organisation, scopes in data.ENDORSERS:
        user = _staff(email, name, organisation, [], password)
        current = {(s.province_id, str(s.programme_code)) for s in user.endorser_scopes}
        accounts.set_endorser_scopes(user, current | set(scopes))
        second_factor.set_up_for_the_demo(user, totp_secret)
        users[email] = user
    for email, name, organisation, kind, province, phone in data.APPLICANTS + data.MORE_APPLICANTS:
        users[email] = _applicant(email, name, organisation, kind, province, phone, password)
    return users


@cache
def _pdf(title: str) -> bytes:
    html = f"<h1 style='font-family: DejaVu Serif'>{title}</h1><p style='font-family: DejaVu Serif'>" \
           "Tài liệu minh họa cho bản demo – Giải thưởng môi trường ASEAN.</p>"
    from weasyprint import HTML  # heavy: imported when the demo is loaded, not with the app

    return HTML(string=html).write_pdf()


@cache
def _photo(title: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(title, micro=False).save(buffer, kind="png", scale=6)
    return buffer.getvalue()


def _attach_documents(nomination: Nomination, applicant: User) -> None:
    criteria = [c for rubric in nomination.round.rubrics for c in rubric.criteria]
    for item in nomination.round.checklist:
        if not item.required or item.accepted_kinds == ["link"]:
            continue
        photo = "pdf" not in item.accepted_kinds
        for criterion in criteria if item.per_criterion else [None]:
            for n in range(max(item.min_count, 1)):
                title = f"{item.name_vi} {n + 1}" + (f" – {criterion.name_vi}" if criterion else "")
                body = _photo(title) if photo else _pdf(title)
                name = f"{item.code}-{n + 1}.{'png' if photo else 'pdf'}"
                nominations.add_document(nomination, item, criterion, io.BytesIO(body), name, actor=applicant)


def _typed(details: dict) -> dict:
    """What the applicant would have typed into the form, as the form sends it."""
    typed = {}
    for key, value in details.items():
        if isinstance(value, list):
            typed[key] = [str(v) for v in value]
        elif key == "date_of_birth":
            typed[key] = [date.fromisoformat(value).strftime("%d/%m/%Y")]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            typed[key] = [format_number(value, locale="vi")]  # as typed in Vietnamese: 1.220.000, 1.285,4
        else:
            typed[key] = [str(value)]
    return typed


def _self_assessment(round_: Round) -> dict:
    return {f"assessment_{c.code}": f"Nhà trường đã triển khai kế hoạch về {c.name_vi.lower()}, có minh chứng kèm theo."
            for rubric in round_.rubrics for c in rubric.criteria} if round_.programme_code == "eco_school" else {}


def _endorse(nomination: Nomination, submitted_at: datetime) -> None:
    scope = db.session.scalar(select(EndorserScope).where(
        EndorserScope.province_id == nomination.province_id,
        EndorserScope.programme_code == nomination.round.programme_code))
    letter = _pdf(f"Công văn xác nhận hồ sơ {nomination.reference}")
    nominations.endorse([nomination], io.BytesIO(letter), "cong-van-xac-nhan.pdf",
                        f"{100 + nomination.id}/SGDĐT-KHTC", actor=scope.user)


def _dossier(round_: Round, applicant: User, details: dict, target: str, submitted_at: datetime) -> Nomination:
    nomination = nominations.create_nomination(round_, applicant)
    details = {**details, **_self_assessment(round_)}
    nominations.save_dossier(nomination, _typed(details), details, version=None, actor=applicant)
    if target != "draft":
        _attach_documents(nomination, applicant)
        _complete_entries(nomination, applicant)
        nominations.submit(nomination, form_errors=[], now=submitted_at, actor=applicant)
        if round_.endorsement_required and target != "submitted":
            _endorse(nomination, submitted_at)
    return nomination


def _complete_entries(nomination: Nomination, applicant: User) -> None:
    """A city's entries, each with its narrative and one indicator value (none for the other programmes)."""
    if nomination.round.programme_code != ProgrammeCode.CITY:
        return
    for entry in nomination.entries:
        outcome = programmes.entry_outcome(entry)
        narrative, value = data.CITY_ENTRIES[outcome]
        indicator = next(i for i in nomination.round.indicators if i.outcome == outcome)
        nominations.set_entry_narrative(entry, narrative, actor=applicant)
        nominations.add_indicator_value(entry, indicator, nomination.round.year - 1, Decimal(value), None,
                                        actor=applicant)


def _round(programme: Programme, edition, year, state, theme_vi, theme_en) -> tuple[Round, bool]:
    existing = db.session.scalar(
        select(Round).where(Round.programme_code == programme.code, Round.edition == edition))
    if existing is not None:
        return existing, False
    round_ = rounds.create_round(programme, edition=edition, year=year)
    round_.theme_vi, round_.theme_en = theme_vi, theme_en
    round_.founding_decision = f"Quyết định số {100 + edition}/QĐ-BNNMT"
    if state == "draft":
        return round_, True
    if year < utcnow().year:
        round_.opens_at, round_.closes_at = PAST_CALL
    else:
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        round_.opens_at = now - timedelta(days=14)
        round_.closes_at = (now + timedelta(days=60)).replace(hour=10)  # 17:00 in Viet Nam
    round_.scoring_deadline = round_.closes_at + timedelta(days=45)
    rounds.advance_round(round_, RoundState.OPEN)
    return round_, True


def _advance_to(round_: Round, state: RoundState, actor) -> None:
    while round_.state != state and round_.state in STATE_ORDER[:-1]:
        rounds.advance_round(round_, STATE_ORDER[STATE_ORDER.index(round_.state) + 1], actor=actor)


def _score(nomination: Nomination, juror: User, points: tuple[int, ...] | None, *, submit: bool) -> None:
    for entry in nomination.entries:
        sheet = sheet_for(entry, juror)
        if points is None:
            continue
        inputs = [ScoreInput(s.criterion_id, p, "Hồ sơ có minh chứng cụ thể, kết quả đo đếm được.")
                  for s, p in zip(sheet.scores, points, strict=True)]
        save_sheet(sheet, inputs, version=None, submit=submit, actor=juror)


def _run_round(round_: Round, dossiers: list, users: dict[str, User], target: RoundState) -> None:
    secretariat, approver = users["thuky@demo.gov.vn"], users["lanhdao@demo.gov.vn"]
    submitted_at = round_.opens_at + timedelta(days=1)
    filed = [(_dossier(round_, users[email], details, goal, submitted_at), goal, points)
             for email, details, goal, points in dossiers]
    if target == RoundState.OPEN:
        return
    _advance_to(round_, RoundState.SCREENING, secretariat)
    for nomination, goal, _points in filed:
        if goal == "ineligible":
            screen(nomination, ScreeningOutcome.INELIGIBLE, "Hồ sơ thiếu công văn xác nhận của Sở Giáo dục và Đào tạo.",
                   actor=secretariat)
        else:
            screen(nomination, ScreeningOutcome.ELIGIBLE, "", actor=secretariat)
    members = [users[e] for e in data.COUNCIL_MEMBERS]
    for position, member in enumerate(members):
        jury.add_member(round_, member, is_chair=position == 0, actor=secretariat)
    for nomination, goal, points in filed:
        if goal != "ineligible":
            for member in members[:len(points)]:
                jury.assign(nomination, member, actor=secretariat)
    _advance_to(round_, RoundState.SCORING, secretariat)
    for nomination, goal, points in filed:
        if goal != "ineligible":
            for member, juror_points in zip(members, points, strict=False):
                _score(nomination, member, juror_points, submit=juror_points is not None)
    if target == RoundState.APPROVED:
        run = compute(round_, actor=secretariat)
        _advance_to(round_, RoundState.COUNCIL, secretariat)
        record_meeting(round_, held_on=date(2025, 12, 5), present_ids=[m.id for m in members], votes_for=len(members),
                       votes_against=0, minutes=data.MINUTES, actor=members[0])
        decision = dict(data.DECISION)
        approve(round_, run, number=decision["number"], signed_on=date.fromisoformat(decision["signed_on"]),
                signer_name=decision["signer_name"], signer_title=decision["signer_title"], actor=approver)
        issue_for_round(round_, actor=secretariat)


def _english(supplement) -> dict[str, str]:
    """What the school (here, the demo) writes in English for ASEAN, field by field."""
    nomination = supplement.nomination
    round_ = nomination.round
    values = {"name": data.ASEAN_ENGLISH_NAMES.get(nomination.display_name, nomination.display_name)}
    for criterion in (c for rubric in round_.rubrics for c in rubric.criteria):
        values[f"assessment_{criterion.code}"] = (f"The school has carried out its plan for "
                                                  f"{criterion.name_en.lower()}, with evidence attached.")
    return values


def _to_asean(round_: Round, users: dict[str, User]) -> None:
    """The approved round's nominees asked for their English supplement, which they fill; ASEAN's result for
    one of them. Each step looks before it acts."""
    secretariat = users["thuky@demo.gov.vn"]
    if asean.call_of(round_) is None:
        deadline = today_in_vietnam() + timedelta(days=60)
        asean.save_call(round_, {**data.ASEAN_CALL, "deadline": deadline,
                                 "supplement_due_on": deadline - timedelta(days=30)}, version=None, actor=secretariat)
        asean.request_supplements(round_, actor=secretariat)
    for supplement in asean.supplements_of(round_).values():
        if not supplement.english:
            asean.save_english(supplement, _english(supplement), version=None, actor=supplement.nomination.applicant)
    winner = next((n for n in asean.nominees(round_) if n.nomination.display_name == data.ASEAN_RESULT["school"]), None)
    if winner is not None and asean.result_of(winner.entry) is None:
        values = {**data.ASEAN_RESULT, "decided_on": date.fromisoformat(data.ASEAN_RESULT["decided_on"])}
        asean.record_result(winner.entry, values, version=None, actor=secretariat)


def _seat_council(round_: Round, users: dict[str, User]) -> None:
    current = {m.user_id for m in jury.council(round_)}
    for position, email in enumerate(data.COUNCIL_MEMBERS):
        if users[email].id not in current:
            jury.add_member(round_, users[email], is_chair=position == 0, actor=users["thuky@demo.gov.vn"])


def load_demo(password: str, totp_secret: str) -> dict[str, int]:
    users = _users(password, totp_secret)
    db.session.flush()
    count = 0
    for code, specs in data.ROUNDS.items():
        programme = db.session.get(Programme, ProgrammeCode(code))
        for edition, year, state, theme_vi, theme_en in specs:
            round_, created = _round(programme, edition, year, state, theme_vi, theme_en)
            count += 1
            if created and state != "draft":
                _run_round(round_, data.DOSSIERS.get((code, edition), []), users, RoundState(state))
            if (code, edition) in data.COUNCILS and not round_.is_frozen:
                _seat_council(round_, users)
    # After every round: ASEAN's result came back after the 2026 call's dossiers were submitted.
    for round_ in db.session.scalars(select(Round).where(Round.state.in_((RoundState.APPROVED, RoundState.PUBLISHED)))):
        _to_asean(round_, users)
    db.session.flush()
    return {"users": len(users), "rounds": count}
