"""Loading the demo: every step looks up before it creates, so a second run changes nothing."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from award_app.accounts import services as accounts
from award_app.accounts.models import ApplicantKind, CouncilMembership, Role, User
from award_app.columns import utcnow
from award_app.demo import data
from award_app.extensions import db
from award_app.rounds import services as rounds
from award_app.rounds.models import Programme, ProgrammeCode, Round, RoundState


def _staff(email, full_name, organisation, roles, password) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_staff_account(email=email, password=password, full_name=full_name,
                                             organisation=organisation, roles={Role(r) for r in roles})
    return user


def _applicant(email, full_name, organisation, kind, province, phone, password) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.register_applicant(
            email=email, password=password, full_name=full_name, applicant_kind=ApplicantKind(kind),
            organisation=organisation, phone=phone, province_id=province, locale=None, notice_version="demo",
        )
    return user


def _round(programme: Programme, edition, year, state, theme_vi, theme_en) -> Round:
    existing = db.session.scalar(
        select(Round).where(Round.programme_code == programme.code, Round.edition == edition))
    if existing is not None:
        return existing
    round_ = rounds.create_round(programme, edition=edition, year=year)
    round_.theme_vi, round_.theme_en = theme_vi, theme_en
    round_.founding_decision = f"Quyết định số {100 + edition}/QĐ-BNNMT"
    if state == "open":
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        round_.opens_at = now - timedelta(days=14)
        # 17:00 in Viet Nam (10:00 UTC), about two months from now
        closes = (now + timedelta(days=60)).replace(hour=10)
        round_.closes_at = closes.astimezone(UTC)
        round_.scoring_deadline = closes + timedelta(days=45)
        rounds.advance_round(round_, RoundState.OPEN)
    return round_


def load_demo(password: str) -> dict[str, int]:
    users = {}
    for email, name, organisation, roles in data.STAFF:
        users[email] = _staff(email, name, organisation, roles, password)
    for email, name, organisation, scopes in data.ENDORSERS:
        user = _staff(email, name, organisation, [], password)
        accounts.set_endorser_scopes(user, {(p, g) for p, g in scopes} | {
            (s.province_id, str(s.programme_code)) for s in user.endorser_scopes})
        users[email] = user
    for email, name, organisation, kind, province, phone in data.APPLICANTS:
        users[email] = _applicant(email, name, organisation, kind, province, phone, password)
    created_rounds = {}
    for code, specs in data.ROUNDS.items():
        programme = db.session.get(Programme, ProgrammeCode(code))
        for spec in specs:
            created_rounds[(code, spec[0])] = _round(programme, *spec)
    programme_code, edition, members = data.COUNCIL
    council_round = created_rounds[(programme_code, edition)]
    for position, email in enumerate(members):
        user = users[email]
        if not any(m.round_id == council_round.id for m in user.council_memberships):
            user.council_memberships.append(CouncilMembership(
                round=council_round, is_chair=position == 0, accepted_at=datetime.now(UTC)))
    db.session.flush()
    return {"users": len(users), "rounds": len(created_rounds)}
