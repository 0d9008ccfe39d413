"""Issuing certificates for an approved round, and the facts each one carries. Never commits."""

import io
import secrets
import zipfile

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.approval.models import Decision
from award_app.audit.services import record
from award_app.certificates import signing
from award_app.certificates.models import Certificate
from award_app.certificates.render import CertificateData, render_certificate
from award_app.extensions import db
from award_app.jobs.services import keep_bytes, register
from award_app.nominations.models import Entry, Nomination
from award_app.notifications.services import link
from award_app.ranking.services import run_rows
from award_app.rounds.models import Round
from award_app.storage import content_key, current_storage

# No 0/O or 1/I: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PLACE = "Hà Nội"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def decision_of(round_: Round) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.round_id == round_.id))


def issue_for_round(round_: Round, *, actor=None, progress=None) -> list[Certificate]:
    """One certificate per entry with a prize in the approved ranking; safe to run twice. Each missing one
    is drawn and kept first, `progress(drawn, missing)` after each, and only then added with its audit
    record, all in the caller's transaction: a job that commits its progress commits no half issue."""
    decision = decision_of(round_)
    if decision is None:
        return []
    existing = {c.entry_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.round_id == round_.id))}
    missing = [row for row in run_rows(decision.ranking_run) if row.tier_code and row.entry_id not in existing]
    issued = []
    for drawn, row in enumerate(missing, start=1):
        certificate = Certificate(round_id=round_.id, entry=db.session.get(Entry, row.entry_id), decision=decision,
                                  code=new_code(), tier_code=row.tier_code)
        keep_pdf(certificate)
        issued.append(certificate)
        if progress:
            progress(drawn, len(missing))
    if issued:
        db.session.add_all(issued)
        db.session.flush()
        record("certificates.issued", round_, round_id=round_.id, actor=actor, count=len(issued),
               sha256={c.code: c.sha256 for c in issued})
    return list(existing.values()) + issued


def keep_pdf(certificate: Certificate) -> bytes:
    """Render the certificate once (signed when a key is configured), keep the file and record its SHA-256:
    every download is that file."""
    body = render_certificate(certificate_data(certificate))
    key, cert = current_app.config.get("CERTIFICATE_SIGNING_KEY"), current_app.config.get("CERTIFICATE_SIGNING_CERT")
    if key and cert:
        body = signing.sign(body, key, cert, certificate.entry.nomination.round.organiser_name)
    certificate.sha256 = keep_bytes(body)
    return body


def pdf_of(certificate: Certificate) -> bytes:
    """The issued file; a revoked award is drawn again with its revocation mark."""
    if certificate.entry.revocation is not None:
        return render_certificate(certificate_data(certificate))
    if not certificate.sha256:
        return keep_pdf(certificate)
    try:
        return current_storage().read(content_key(certificate.sha256))
    except FileNotFoundError:
        return keep_pdf(certificate)


@register("certificates_zip")
def certificates_zip(job, progress) -> tuple[bytes, str]:
    """Every certificate of the round as separate PDFs in one ZIP, issuing the missing ones first. The steps
    counted are the certificates to draw, then the certificates to pack."""
    round_ = db.session.get(Round, job.round_id)
    to_draw = 0

    def drawing(drawn: int, missing: int) -> None:
        nonlocal to_draw
        to_draw = missing
        progress(drawn, missing + len(existing) + missing)

    existing = db.session.scalars(select(Certificate.id).where(Certificate.round_id == round_.id)).all()
    certificates = issue_for_round(round_, progress=drawing)
    total = to_draw + len(certificates)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for done, certificate in enumerate(certificates, start=1):
            reference = certificate.entry.nomination.reference
            archive.writestr(f"{reference}-{certificate.tier_code}-{certificate.code}.pdf", pdf_of(certificate))
            if done % 10 == 0 or done == len(certificates):
                progress(to_draw + done, total)
    return out.getvalue(), f"giay-chung-nhan-{round_.programme.ref_prefix.lower()}-{round_.year}.zip"


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
        revoked=entry.revocation is not None,
    )
