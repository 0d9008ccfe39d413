"""What a user can take with them: their personal data (Decree 13/2023/NĐ-CP; Law 91/2025/QH15)."""

import json
import zipfile
from datetime import date
from typing import BinaryIO

from sqlalchemy import select

from award_app.accounts import sessions
from award_app.accounts.models import SessionEnd, User
from award_app.accounts.services import unusable_password
from award_app.asean.models import AseanDocument, AseanSupplement
from award_app.audit.services import record
from award_app.extensions import db
from award_app.nominations.files import thumbnail_key
from award_app.nominations.models import Document, Nomination
from award_app.nominations.receipt import receipt_prefix
from award_app.rounds.models import Round
from award_app.storage import CHUNK, Storage, content_key


class ArchiveTooLarge(Exception):
    """The user's data is larger than PERSONAL_DATA_MAX_MB: the archive is not made."""


def personal_data_zip(user: User, storage: Storage, target: BinaryIO, *, max_bytes: int) -> None:
    """Everything the platform holds about the user as an applicant, written as a ZIP into `target` (a
    temporary file: the archive never sits in memory): the account, each dossier as typed, and the files they
    uploaded, by the names they gave. A file sent several times is packed once; the JSON names, for every
    document, the file in the archive that holds it. Raises ArchiveTooLarge, before writing, when the files
    add up to more than `max_bytes`, and while writing if a stored file turns out larger than recorded."""
    nominations = db.session.scalars(select(Nomination).where(Nomination.applicant_id == user.id)).all()
    supplements = _supplements_of(nominations)
    packed = _archive_paths(nominations, supplements)
    if sum(document.size for document in packed.values()) > max_bytes:
        raise ArchiveTooLarge()
    where = {document.sha256: path for path, document in packed.items()}
    data = {
        "account": {"email": user.email, "full_name": user.full_name, "organisation": user.organisation,
                    "phone": user.phone, "province": user.province_id, "created_at": user.created_at.isoformat(),
                    "consent_at": user.consent_at.isoformat() if user.consent_at else None,
                    "privacy_notice_version": user.privacy_notice_version,
                    "roles": sorted(r.value for r in user.roles)},
        "nominations": [{"reference": n.reference, "state": n.state.value, "details": n.details,
                         "documents": [{"name": d.original_name, "sha256": d.sha256, "size": d.size,
                                        "file": where[d.sha256]} for d in n.documents]} for n in nominations],
        "asean_supplements": [{"reference": s.nomination.reference, "english": s.english,
                               "documents": [{"name": d.original_name, "author": d.author, "sha256": d.sha256,
                                              "size": d.size, "file": where[d.sha256]} for d in s.documents]}
                              for s in supplements],
    }
    written = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("du-lieu.json", json.dumps(data, ensure_ascii=False, indent=1, default=str))
        for path, document in packed.items():
            try:
                source = storage.open(content_key(document.sha256))
            except FileNotFoundError:
                continue
            with source, archive.open(path, "w", force_zip64=True) as member:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise ArchiveTooLarge()
                    member.write(chunk)


def _supplements_of(nominations) -> list[AseanSupplement]:
    ids = [n.id for n in nominations]
    return list(db.session.scalars(select(AseanSupplement).where(AseanSupplement.nomination_id.in_(ids))))


def _archive_paths(nominations, supplements=()) -> dict[str, Document | AseanDocument]:
    """Each distinct file once, at `<reference>/<document id>-<name>` of its first upload (a file sent for
    ASEAN: `<reference>/asean/<id>-<name>`)."""
    paths: dict[str, Document | AseanDocument] = {}
    seen: set[str] = set()
    folders = [(n.reference or f"ho-so-{n.id}", n.documents) for n in nominations] + [
        (f"{s.nomination.reference}/asean", s.documents) for s in supplements]
    for folder, documents in folders:
        for document in documents:
            if document.sha256 not in seen:
                seen.add(document.sha256)
                paths[f"{folder}/{document.id}-{document.original_name}"] = document
    return paths


# Fields that identify or reach a person; the names of winners stay (they are public record).
CONTACT_FIELDS = ("principal_contact", "nominee_email", "nominee_phone", "nominator_contact", "referee_1_contact",
                  "referee_2_contact", "date_of_birth", "address")


def delete_my_account(user: User) -> bool:
    """Self-service deletion: only an account whose dossiers were never submitted (the law requires the
    others to be kept for the round's retention period). The account is anonymised, its drafts deleted.
    Returns False when the account must be kept."""
    nominations = db.session.scalars(select(Nomination).where(Nomination.applicant_id == user.id)).all()
    if any(n.reference is not None for n in nominations):
        return False
    for nomination in nominations:
        db.session.delete(nomination)
    record("account.deleted_on_request", user, actor=user, drafts=len(nominations))
    user.email = f"deleted-{user.id}@invalid"
    user.full_name, user.organisation, user.phone, user.province_id = "—", "", "", None
    user.set_password(unusable_password())
    user.is_active_account = False
    sessions.end_all(user, SessionEnd.ACCOUNT_DELETED)
    sessions.forget_devices(user)
    return True


def purge_expired(today: date, storage: Storage) -> dict[str, int]:
    """Remove what the rules no longer require once a round's retention period has passed: the files of
    every dossier and the contact details; winners keep their names (public record)."""
    counts = {"rounds": 0, "nominations": 0, "documents": 0}
    removed: set[str] = set()
    purged: list[int] = []
    for round_ in db.session.scalars(select(Round).where(Round.closes_at.is_not(None))):
        if round_.closes_at.date().replace(year=round_.closes_at.year + round_.retention_years) > today:
            continue
        touched = False
        for nomination in db.session.scalars(select(Nomination).where(Nomination.round_id == round_.id)):
            details = dict(nomination.details or {})
            if any(details.get(f) for f in CONTACT_FIELDS) or nomination.documents or nomination.form_input or (
                    _supplement_files(nomination)):
                for field in CONTACT_FIELDS:
                    details.pop(field, None)
                nomination.details, nomination.form_input = details, {}
                counts["documents"] += len(nomination.documents)
                removed.update(d.sha256 for d in nomination.documents)
                nomination.documents.clear()
                counts["documents"] += _purge_supplement_files(nomination, removed)
                purged.append(nomination.id)
                counts["nominations"] += 1
                touched = True
        if touched:
            counts["rounds"] += 1
            record("privacy.purged", round_, round_id=round_.id, actor=None, **counts)
    db.session.flush()
    still_used = set(db.session.scalars(select(Document.sha256).where(Document.sha256.in_(removed)))) | set(
        db.session.scalars(select(AseanDocument.sha256).where(AseanDocument.sha256.in_(removed))))
    for sha in removed - still_used:
        storage.delete(content_key(sha))
        storage.delete(thumbnail_key(sha))
    _delete_receipts(storage, purged)
    return counts


def _supplement_files(nomination: Nomination) -> list[AseanDocument]:
    return list(db.session.scalars(select(AseanDocument).join(AseanSupplement).where(
        AseanSupplement.nomination_id == nomination.id)))


def _purge_supplement_files(nomination: Nomination, removed: set[str]) -> int:
    """The files sent for ASEAN (CV, testimonials, photos) go with the dossier's; the English texts stay, as the
    dossier's texts do."""
    files = _supplement_files(nomination)
    for document in files:
        removed.add(document.sha256)
        db.session.delete(document)
    return len(files)


def _delete_receipts(storage: Storage, nomination_ids: list[int]) -> None:
    """The kept receipts name the applicant and the contacts: they go with the dossier's details."""
    if not nomination_ids:
        return
    prefixes = tuple(receipt_prefix(nomination_id) for nomination_id in nomination_ids)
    for key in [key for key in storage.list_keys() if key.startswith(prefixes)]:
        storage.delete(key)
