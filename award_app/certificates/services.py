"""Issuing certificates for an approved round, and the facts each one carries. Never commits."""

import io
import multiprocessing
import os
import secrets
import zipfile
from concurrent.futures import ProcessPoolExecutor

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_app.approval.models import Decision
from award_app.audit.services import record
from award_app.certificates.models import Certificate
from award_app.certificates.render import CertificateData, render_certificate
from award_app.certificates.signing import render_signed
from award_app.extensions import db
from award_app.jobs.services import keep_bytes, register
from award_app.nominations.models import Entry, Nomination
from award_app.notifications.services import link
from award_app.ranking.services import run_rows
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_manage_rounds
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
    """One certificate per entry with a prize in the approved ranking; safe to run twice. The missing ones
    are drawn and kept first (many at once by a pool of processes), `progress(drawn, missing)` as they
    come, and only then added with their audit record, all in the caller's transaction: a job that
    commits its progress commits no half issue."""
    decision = decision_of(round_)
    if decision is None:
        return []
    existing = {c.entry_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.round_id == round_.id))}
    missing = [row for row in run_rows(decision.ranking_run) if row.tier_code and row.entry_id not in existing]
    entries = _load_entries([row.entry_id for row in missing])
    issued = [Certificate(round_id=round_.id, entry=entries[row.entry_id], decision=decision, code=new_code(),
                          tier_code=row.tier_code) for row in missing]
    # The facts are read before any progress commit expires the objects they come from.
    orders = [_render_order(certificate) for certificate in issued]
    for certificate, body in zip(issued, render_many(orders, progress), strict=True):
        certificate.sha256 = keep_bytes(body)
    if issued:
        db.session.add_all(issued)
        db.session.flush()
        record("certificates.issued", round_, round_id=round_.id, actor=actor, count=len(issued),
               sha256={c.code: c.sha256 for c in issued})
    return list(existing.values()) + issued


def keep_pdf(certificate: Certificate) -> bytes:
    """Render the certificate once (signed when a key is configured), keep the file and record its SHA-256:
    every download is that file."""
    body = render_signed(_render_order(certificate))
    certificate.sha256 = keep_bytes(body)
    return body


# From this many certificates on, rendering is spread over one process per core (WeasyPrint holds the GIL).
POOL_FROM = 40


def _render_order(certificate: Certificate) -> tuple:
    key, cert = current_app.config.get("CERTIFICATE_SIGNING_KEY"), current_app.config.get("CERTIFICATE_SIGNING_CERT")
    return certificate_data(certificate), key, cert, certificate.entry.nomination.round.organiser_name


def render_many(orders: list[tuple], progress=None) -> list[bytes]:
    """The certificates' PDFs in order, `progress(done, total)` as they come; many at once are rendered by a
    pool of processes, one per core (the facts are read beforehand, so the pool's processes touch neither
    the database nor the app)."""
    workers = min(os.cpu_count() or 1, len(orders) // (POOL_FROM // 2) or 1)
    if len(orders) < POOL_FROM or workers < 2:
        return _collect(map(render_signed, orders), len(orders), progress)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connection or lock
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, min(10, len(orders) // (workers * 8)))
        return _collect(pool.map(render_signed, orders, chunksize=chunk), len(orders), progress)


def _collect(bodies, total: int, progress) -> list[bytes]:
    done = []
    for body in bodies:
        done.append(body)
        if progress and (len(done) % 5 == 0 or len(done) == total):
            progress(len(done), total)
    return done


def _load_entries(entry_ids: list[int]) -> dict[int, Entry]:
    """The entries that will get a certificate, with everything a certificate shows, in a few queries."""
    entries = db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids)).options(
        selectinload(Entry.group), selectinload(Entry.revocation),
        selectinload(Entry.nomination).selectinload(Nomination.province),
        selectinload(Entry.nomination).selectinload(Nomination.round).selectinload(Round.tiers))).all()
    return {entry.id: entry for entry in entries}


def _load_facts(certificates: list[Certificate]) -> None:
    """Everything a certificate shows, for many at once in a constant number of queries."""
    ids = [c.id for c in certificates]
    db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)).options(
        selectinload(Certificate.decision),
        selectinload(Certificate.entry).selectinload(Entry.group),
        selectinload(Certificate.entry).selectinload(Entry.revocation),
        selectinload(Certificate.entry).selectinload(Entry.nomination).selectinload(Nomination.province),
        selectinload(Certificate.entry).selectinload(Entry.nomination).selectinload(Nomination.round)
        .selectinload(Round.tiers))).all()


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


@register("certificates_zip", may_see=lambda user, job: can_manage_rounds(user))
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
    _load_facts(certificates)
    name = f"giay-chung-nhan-{round_.programme.ref_prefix.lower()}-{round_.year}.zip"
    # Read before the loop: each progress report commits, which expires every loaded object, and touching one
    # afterwards would cost a query per certificate.
    files = [(f"{c.entry.nomination.reference}-{c.tier_code}-{c.code}.pdf", c.id,
              c.sha256 if c.entry.revocation is None else None) for c in certificates]
    total = to_draw + len(files)
    out, storage = io.BytesIO(), current_storage()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for done, (file_name, certificate_id, sha) in enumerate(files, start=1):
            try:
                body = storage.read(content_key(sha)) if sha else None
            except FileNotFoundError:
                body = None
            archive.writestr(file_name, body or pdf_of(db.session.get(Certificate, certificate_id)))
            if done % 10 == 0 or done == len(files):
                progress(to_draw + done, total)
    return out.getvalue(), name


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
