"""Issuing certificates for an approved round, and the facts each one carries. Never commits."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.approval.models import Decision
from award_app.audit.services import record
from award_app.certificates.models import Certificate
from award_app.certificates.render import CertificateData
from award_app.extensions import db
from award_app.nominations.models import Entry, Nomination
from award_app.notifications.services import link
from award_app.ranking.services import run_rows
from award_app.rounds.models import Round

# No 0/O or 1/I: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PLACE = "Hà Nội"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def decision_of(round_: Round) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.round_id == round_.id))


def issue_for_round(round_: Round, *, actor=None) -> list[Certificate]:
    """One certificate per entry with a prize in the approved ranking; safe to run twice."""
    decision = decision_of(round_)
    if decision is None:
        return []
    existing = {c.entry_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.round_id == round_.id))}
    issued = []
    for row in run_rows(decision.ranking_run):
        if row.tier_code and row.entry_id not in existing:
            certificate = Certificate(round_id=round_.id, entry_id=row.entry_id, decision_id=decision.id,
                                      code=new_code(), tier_code=row.tier_code)
            db.session.add(certificate)
            issued.append(certificate)
    if issued:
        db.session.flush()
        record("certificates.issued", round_, round_id=round_.id, actor=actor, count=len(issued))
    return list(existing.values()) + issued


def certificates_of_applicant(user) -> list[Certificate]:
    query = (select(Certificate).join(Entry).join(Nomination).where(Nomination.applicant_id == user.id)
             .options(selectinload(Certificate.entry).selectinload(Entry.nomination)))
    return list(db.session.scalars(query))


def certificate_data(certificate: Certificate) -> CertificateData:
    entry = certificate.entry
    nomination = entry.nomination
    round_ = nomination.round
    decision = certificate.decision
    tier = next(t for t in round_.tiers if t.code == certificate.tier_code)
    return CertificateData(
        organiser=round_.organiser_name, programme_vi=round_.programme.name_vi,
        programme_en=round_.programme.name_en, year=round_.year, nominee=nomination.display_name,
        nominee_detail=nomination.province.name if nomination.province else "",
        category_vi=entry.group.name_vi, category_en=entry.group.name_en, prize_vi=tier.name_vi,
        prize_en=tier.name_en, decision_number=decision.number, decision_date=decision.signed_on,
        signer_name=decision.signer_name, signer_title=decision.signer_title, place=PLACE,
        code=certificate.code, verify_url=link("certificates.verify", code=certificate.code),
    )
