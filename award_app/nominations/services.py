"""Creating, saving, documenting, submitting and endorsing nominations; the state moves are lifecycle.py's.
Never commits."""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from award_app.accounts import services as accounts
from award_app.accounts.models import ApplicantKind, Role
from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.errors import DomainError, InvalidTransition, RoundFrozen, StaleEdit
from award_app.extensions import db
from award_app.i18n import format_number, localized
from award_app.nominations import files, lifecycle, programmes, rules
from award_app.nominations.models import (
    DeadlineExtension,
    Document,
    DocumentKind,
    Endorsement,
    EndorsementLetter,
    EndorsementOutcome,
    Entry,
    IndicatorValue,
    Nomination,
    NominationState,
)
from award_app.notifications import services as notifications
from award_app.rounds.models import ChecklistItem, Criterion, HonouredName, ProgrammeCode, Round, RoundState
from award_app.storage import content_key, current_storage
from award_app.text import nfc
from award_app.uploads import MB, sent_size


class SubmissionRefused(DomainError):
    default_message = _l("The nomination cannot be submitted yet.")


class UploadProblem(DomainError):
    pass


class DuplicateDossier(DomainError):
    """The applicant already has a dossier for this school and level (nominee, city) in the round: `existing`."""

    default_message = _l("You already have a dossier for this in the round: continue that one.")

    def __init__(self, existing: Nomination, message=None):
        self.existing = existing
        super().__init__(message)


UPLOAD_MESSAGES = {
    "empty": _l("The file is empty."),
    "unknown_type": _l("This file is not a PDF, JPEG, PNG or Word (DOCX) document, whatever its name says."),
    "not_allowed": _l("This kind of file is not accepted for this document."),
    "heic": _l("This is an iPhone photo in HEIC format. Send it as JPEG: on the iPhone, choose Settings › Camera "
               "› Formats › Most Compatible, or share the photo by e-mail, which converts it to JPEG."),
    "too_many_pixels": _l("This image has too many pixels (at most %(megapixels)d megapixels): send a smaller copy.",
                          megapixels=files.cleaning.MAX_PIXELS // 1_000_000),
    "unpacks_too_large": _l("This Word document is too large once unpacked, or has too many parts: save it as PDF "
                            "and send that instead."),
    "encrypted": _l("This PDF is protected by a password: send a copy without one."),
}


def _require_open_round(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen()


def _require_editable(nomination: Nomination, version: int | None = None) -> None:
    _require_open_round(nomination.round)
    if nomination.state not in rules.EDITABLE:
        raise InvalidTransition(_l("The nomination can no longer be changed."))
    if version is not None and version != nomination.version:
        raise StaleEdit()


UNNAMED_DRAFT_EXISTS = _l("You already have a dossier in this round that has no name yet: it is opened for you. "
                         "Fill it in; once it is named you can start another one (for another level, nominee "
                         "or city).")


def create_nomination(round_: Round, applicant, *, actor=None) -> Nomination:
    """A new, unnamed draft; refused (DuplicateDossier) while the applicant has one in the round. Two clicks at
    once: the second insert meets the unique index (uq_nomination_one_dossier) and gets the same refusal."""
    if round_.state != RoundState.OPEN:
        raise InvalidTransition(_l("This round does not accept nominations now."))
    existing = same_dossier(round_, applicant, "")
    if existing is not None:
        raise DuplicateDossier(existing, UNNAMED_DRAFT_EXISTS)
    nomination = Nomination(round=round_, applicant=applicant, dossier_key="",
                            entered_by=actor if actor is not None and actor is not applicant else None)
    try:
        with db.session.begin_nested():
            db.session.add(nomination)
            db.session.flush()
    except IntegrityError:
        existing = same_dossier(round_, applicant, "")
        if existing is None:
            raise
        raise DuplicateDossier(existing, UNNAMED_DRAFT_EXISTS) from None
    record("nomination.created", nomination, round_id=round_.id, actor=actor or applicant,
           entered_by_secretariat=nomination.entered_by_id is not None)
    return nomination


PAPER_APPLICANT_KIND = {
    ProgrammeCode.ECO_SCHOOL: ApplicantKind.SCHOOL,
    ProgrammeCode.YOUTH: ApplicantKind.YOUTH_NOMINATOR,
    ProgrammeCode.CITY: ApplicantKind.PROVINCE_COMMITTEE,
}


def enter_paper_dossier(round_: Round, email: str, full_name: str, organisation: str, *, actor) -> Nomination:
    """A dossier that arrived on paper: the applicant's account (made if needed; they set a password
    through the reset link) owns it, and it is marked as entered by the secretariat, with who and when."""
    applicant = accounts.find_user_by_email(email)
    if applicant is None:
        applicant = accounts.register_applicant(
            email=email, password=accounts.unusable_password(), full_name=full_name,
            applicant_kind=PAPER_APPLICANT_KIND[round_.programme_code], organisation=organisation, phone="",
            province_id=None, locale=None, notice_version="paper")
    elif not applicant.has_role(Role.APPLICANT):
        raise InvalidTransition(_l("This e-mail belongs to a staff account, not to an applicant."))
    return create_nomination(round_, applicant, actor=actor)


def save_dossier(nomination: Nomination, typed: dict, valid: dict, *, version: int | None,
                 actor) -> Nomination | None:
    """Keep everything typed (`typed`) and take the fields that passed validation (`valid`). When the name (and
    level) would make this a second dossier of the applicant for the same school and level, nominee or city in the
    round, those fields keep their saved values and the other dossier is returned (everything else is saved)."""
    _require_editable(nomination, version)
    round_ = nomination.round
    old = dict(nomination.details or {})
    details = {**old, **{k: nfc(v) if isinstance(v, str) else v for k, v in valid.items()}}
    duplicate = _keep_one_dossier(nomination, old, details)
    nomination.form_input = typed
    nomination.details = details
    nomination.display_name = programmes.display_name(round_.programme_code, details)
    nomination.search_text = programmes.search_text(details)
    nomination.province_id = details.get("province_id") or None
    _sync_entries(nomination, programmes.group_codes(round_, details))
    changes = {k: [old.get(k), details[k]] for k in details if old.get(k) != details[k]}
    if changes:
        record("nomination.saved", nomination, round_id=round_.id, actor=actor, changes=changes)
    return duplicate


def _keep_one_dossier(nomination: Nomination, old: dict, details: dict) -> Nomination | None:
    """Set the dossier's key from `details`, unless another dossier of the applicant in the round has it: then the
    identifying fields go back to their saved values (changed in place) and that dossier is returned."""
    programme = nomination.round.programme_code
    key = programmes.dossier_key(programme, details)
    if key == rules.base_key(nomination.dossier_key or ""):
        return None
    existing = same_dossier(nomination.round, nomination.applicant, key, besides=nomination)
    if existing is None:
        nomination.dossier_key = key
        return None
    for name in programmes.IDENTITY[programme]:
        if name in old:
            details[name] = old[name]
        else:
            details.pop(name, None)
    return existing


def same_dossier(round_: Round, applicant, key: str, *, besides: Nomination | None = None) -> Nomination | None:
    """The applicant's dossier in the round (not withdrawn) with this key, or an older copy set apart by
    migration onedossier01 ("key#id")."""
    query = select(Nomination).where(
        Nomination.round_id == round_.id, Nomination.applicant_id == applicant.id,
        Nomination.state != NominationState.WITHDRAWN,
        or_(Nomination.dossier_key == key, Nomination.dossier_key.startswith(f"{key}#", autoescape=True)))
    if besides is not None and besides.id is not None:
        query = query.where(Nomination.id != besides.id)
    return db.session.scalars(query.order_by(Nomination.id).limit(1)).first()


def _sync_entries(nomination: Nomination, codes: list[str]) -> None:
    groups = {g.code: g for g in nomination.round.groups}
    wanted = {groups[c].id for c in codes if c in groups}
    for entry in list(nomination.entries):
        if entry.group_id not in wanted:
            nomination.entries.remove(entry)
    have = {e.group_id for e in nomination.entries}
    for group_id in sorted(wanted - have):
        nomination.entries.append(Entry(group_id=group_id))


def _require_documents_editable(nomination: Nomination, item: ChecklistItem) -> None:
    """Files change while the dossier is a draft, or for the items the secretariat asked for."""
    if nomination.state == NominationState.MISSING_DOCUMENTS:
        _require_open_round(nomination.round)
        if item.id not in requested_item_ids(nomination):
            raise InvalidTransition(_l("The secretariat asked for other documents; this one cannot change now."))
        return
    _require_editable(nomination)


def requested_item_ids(nomination: Nomination) -> set[int]:
    return set(nomination.requested_items or [])


@dataclass(frozen=True)
class UploadRoom:
    """How large the next file of a dossier may be, in bytes: the per-file limit, or what is left of the
    per-dossier limit when that is less."""

    per_file: int
    dossier: int
    left: int

    @property
    def max_bytes(self) -> int:
        return max(0, min(self.per_file, self.left))


def upload_room(used_bytes: int) -> UploadRoom:
    """The room for the next file of a dossier whose files already take `used_bytes`."""
    config = current_app.config
    dossier = int(config["UPLOAD_MAX_DOSSIER_MB"] * MB)
    return UploadRoom(per_file=int(config["UPLOAD_MAX_FILE_MB"] * MB), dossier=dossier,
                      left=max(0, dossier - used_bytes))


def dossier_room(nomination: Nomination) -> UploadRoom:
    return upload_room(sum(d.size for d in nomination.documents))


def megabytes(size: int, rounding: str = "nearest") -> str:
    """20, 183,4: a size in MB in the reader's notation, to one decimal; a file's size is rounded up (a file just
    over 1 MB is 1,1 MB, never "1 MB, more than 1 MB") and the room left down."""
    tenths = size * 10 / MB
    tenths = math.ceil(tenths) if rounding == "up" else math.floor(tenths) if rounding == "down" else round(tenths)
    return format_number(Decimal(tenths) / 10, 1)


def request_too_large_message(room: UploadRoom, sent: int | None, most: int):
    """A form too large for the platform to read at all (over MAX_CONTENT_LENGTH): neither the file nor what was
    typed with it arrived."""
    return _l("The file was not received: with its form it was %(size)s MB, more than the %(most)s MB the platform "
              "receives at once. At most %(mb)s MB per file; this dossier has %(left)s MB left of %(total)s MB. What "
              "you typed since the draft was last saved did not arrive either: the page shows the draft as saved.",
              size=megabytes(sent, "up") if sent else _l("more than %(mb)s", mb=megabytes(most)), most=megabytes(most),
              mb=megabytes(room.per_file), left=megabytes(room.left, "down"), total=megabytes(room.dossier))


def file_too_large_message(size: int | None):
    """A file that is not part of a dossier (an official letter, a signed decision): only the per-file limit."""
    limit = int(current_app.config["UPLOAD_MAX_FILE_MB"] * MB)
    return _l("This file (%(size)s MB) is larger than %(mb)s MB, the most per file: send a smaller or compressed "
              "copy.", size=megabytes(size, "up") if size else _l("more than %(mb)s", mb=megabytes(limit)),
              mb=megabytes(limit))


def too_large_message(room: UploadRoom, size: int | None):
    """Which limit the file went over, and by how much: a full dossier is not the file's fault."""
    if room.left <= 0:
        return _l("This dossier already holds %(total)s MB of files, the most it may: remove a file before adding "
                  "another.", total=megabytes(room.dossier))
    sent = megabytes(size, "up") if size else _l("more than %(mb)s", mb=megabytes(room.max_bytes))
    if room.left < room.per_file and (size is None or size <= room.per_file):
        return _l("This file (%(size)s MB) is more than what is left for this dossier: %(left)s MB of %(total)s MB. "
                  "Remove a file, or send a smaller copy.", size=sent, left=megabytes(room.left, "down"),
                  total=megabytes(room.dossier))
    return _l("This file (%(size)s MB) is larger than %(mb)s MB, the most per file: send a smaller or compressed "
              "copy. This dossier has %(left)s MB left of %(total)s MB.", size=sent, mb=megabytes(room.per_file),
              left=megabytes(room.left, "down"), total=megabytes(room.dossier))


def store_upload(stream: BinaryIO, *, allowed: set[str], used_bytes: int) -> tuple[str, int, DocumentKind]:
    """Keep a file through the checks every dossier file passes (files.store), within the per-file limit and what
    `used_bytes` leaves of the per-dossier limit: (sha256, size, kind), or UploadProblem in the user's words."""
    room = upload_room(used_bytes)
    try:
        if room.left <= 0:
            raise files.UploadRefused("too_large")
        return files.store(stream, current_storage(), max_bytes=room.max_bytes, allowed=allowed)
    except files.UploadRefused as refused:
        if refused.reason == "too_large":
            raise UploadProblem(too_large_message(room, sent_size(stream))) from refused
        raise UploadProblem(UPLOAD_MESSAGES[refused.reason]) from refused


def add_document(nomination: Nomination, item: ChecklistItem, criterion: Criterion | None, stream: BinaryIO,
                 filename: str, *, actor) -> Document:
    _require_documents_editable(nomination, item)
    if item.accepted_kinds == ["link"]:
        raise UploadProblem(_l("This item is a link, not a file: enter it in the dossier form."))
    if item.max_count is not None and sum(
            1 for d in nomination.documents if d.checklist_item_id == item.id
            and (d.criterion_id == (criterion.id if criterion else None))) >= item.max_count:
        raise UploadProblem(_l("“%(item)s” takes at most %(most)d files: remove one first.",
                               item=localized(item, "name"), most=item.max_count))
    storage = current_storage()
    sha, size, kind = store_upload(stream, allowed=set(item.accepted_kinds),
                                   used_bytes=sum(d.size for d in nomination.documents))
    if nomination.round.blind and not item.identifying:
        _require_blind_copy_possible(storage, sha, kind)
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        files.make_thumbnail(storage, sha, kind)
    document = Document(nomination=nomination, checklist_item_id=item.id,
                        criterion_id=criterion.id if criterion else None, original_name=clean_name(filename),
                        sha256=sha, kind=kind, size=size, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record("document.uploaded", document, round_id=nomination.round_id, actor=actor, nomination=nomination.id,
           item=item.code, name=document.original_name, sha256=sha, size=size)
    if nomination.round.blind and not item.identifying:
        blind_copy_key(document)  # made now, once; a file that cannot be cleaned is marked while it can be replaced
    return document


def _require_blind_copy_possible(storage, sha256: str, kind: DocumentKind) -> None:
    """What a blind copy cannot be made of, for a reason the applicant can fix, is refused while they can
    (rather than kept and withheld): a PDF longer than jurors receive, a Word document in Strict Open XML."""
    most = files.cleaning.MAX_BLIND_PDF_PAGES
    if kind == DocumentKind.PDF and files.pdf_pages(storage, sha256) > most:
        raise UploadProblem(_l("This PDF has more than %(most)d pages. In this blind round jurors receive each page "
                               "as a picture, at most %(most)d pages a file: split it into several files.",
                               most=most))
    if kind == DocumentKind.DOCX and files.is_strict_word(storage, sha256):
        raise UploadProblem(_l("This Word document is saved as Strict Open XML, which cannot be cleaned for a blind "
                               "round. In Word, choose File › Save As › Word Document (.docx), or save it as PDF, "
                               "and send that copy."))


def blind_copy_key(document: Document) -> str | None:
    """The key of the document's cleaned copy for a blind round, made once; None when the file cannot be
    cleaned: it is then marked (the secretariat sees it on the dossier and in the audit log) and withheld."""
    if document.cannot_be_cleaned:
        return None
    try:
        return files.blind_copy(current_storage(), document.sha256, document.kind)
    except files.cleaning.CannotClean as problem:
        document.cannot_be_cleaned = True
        record("document.cannot_be_cleaned", document, round_id=document.nomination.round_id,
               nomination=document.nomination_id, item=document.checklist_item.code,
               problem=type(problem.__cause__ or problem).__name__)
        return None


def neutralise_stored_pdfs() -> int:
    """PDFs kept before uploads were neutralised: each one with scripts, actions or embedded files is replaced
    by its neutralised copy (the original stays in the store, no longer referenced). Returns how many."""
    storage, changed = current_storage(), 0
    for document_id in db.session.scalars(select(Document.id).where(Document.kind == DocumentKind.PDF)).all():
        document = db.session.get(Document, document_id)
        try:
            with storage.open(content_key(document.sha256)) as source:
                body = files.cleaning.pdf_without_active_content(source)
        except (FileNotFoundError, files.cleaning.CannotClean):
            continue
        if body is not None:
            old = document.sha256
            document.sha256, document.size = storage.put_content(body), len(body)
            record("document.neutralised", document, round_id=document.nomination.round_id,
                   nomination=document.nomination_id, old_sha256=old, sha256=document.sha256)
            changed += 1
    return changed


def clean_name(filename: str) -> str:
    """The name as the user knows it, for display only: no path, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return (nfc(name) or "file")[:255]


def remove_document(document: Document, *, actor) -> None:
    _require_documents_editable(document.nomination, document.checklist_item)
    record("document.removed", document, round_id=document.nomination.round_id, actor=actor,
           nomination=document.nomination_id, name=document.original_name)
    document.nomination.documents.remove(document)


def checklist_needs(nomination: Nomination) -> list[rules.ChecklistNeed]:
    """How many files each checklist item needs and has; per-criterion evidence counts per criterion."""
    counts: dict[tuple[int, int | None], int] = {}
    for document in nomination.documents:
        key = (document.checklist_item_id, document.criterion_id)
        counts[key] = counts.get(key, 0) + 1
    needs = []
    criteria = [c for rubric in nomination.round.rubrics for c in rubric.criteria]
    for item in nomination.round.checklist:
        if "link" in item.accepted_kinds:
            continue
        name = localized(item, "name")
        if item.per_criterion:
            for criterion in criteria:
                label = f"{name} – {localized(criterion, 'name')}"
                needs.append(rules.ChecklistNeed(label, item.required, item.min_count, item.max_count,
                                                 counts.get((item.id, criterion.id), 0)))
        else:
            have = sum(n for (item_id, _), n in counts.items() if item_id == item.id)
            needs.append(rules.ChecklistNeed(name, item.required, item.min_count, item.max_count, have))
    return needs


def submission_problems(nomination: Nomination, form_errors: list, now: datetime) -> list:
    """Every reason that blocks submission, all at once."""
    round_ = nomination.round
    problems = rules.deadline_problems(now, nomination.deadline)
    problems += rules.missing_field_problems(form_errors)
    problems += rules.document_problems(checklist_needs(nomination))
    details = nomination.details or {}
    problems += honoured_refusals(nomination)
    if round_.programme_code == "youth":
        problems += rules.youth_problems(details, programmes.closing_day(round_))
    elif round_.programme_code == "city":
        problems += rules.city_problems(details)
        problems += rules.entry_problems(entry_contents(nomination))
    if not form_errors and not nomination.entries and not problems:
        problems.append(_l("The dossier does not belong to any ranking group of this round."))
    if nomination.dossier_key:
        existing = same_dossier(round_, nomination.applicant, rules.base_key(nomination.dossier_key),
                                besides=nomination)
        if existing is not None:
            problems.append(duplicate_message(existing))
    return problems


def duplicate_message(existing: Nomination):
    """What the applicant reads when a dossier would be their second for the same school and level (nominee,
    city) in the round; the page links to `existing`."""
    name = existing.display_name or existing.reference or ""
    if existing.round.programme_code == ProgrammeCode.ECO_SCHOOL:
        return _l("You already have a dossier for this school and level in this round (“%(name)s”): continue that "
                  "one, or choose another level.", name=name)
    if existing.round.programme_code == ProgrammeCode.YOUTH:
        return _l("You already have a dossier for this nominee in this round (“%(name)s”): continue that one.",
                  name=name)
    return _l("You already have a dossier for this city in this round (“%(name)s”): continue that one.", name=name)


def entry_contents(nomination: Nomination) -> list[rules.EntryContent]:
    return [rules.EntryContent(localized(e.group, "name"), bool((e.narrative or "").strip()), len(e.indicator_values))
            for e in nomination.entries]


def _next_reference(round_: Round) -> str:
    """ES-2026-0042: the next number for the programme and year, across all its rounds of that year."""
    prefix = f"{round_.programme.ref_prefix}-{round_.year}-"
    last = db.session.scalar(select(func.max(Nomination.reference)).where(Nomination.reference.like(f"{prefix}%")))
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:04d}"


def submit(nomination: Nomination, *, form_errors: list, now: datetime | None = None, actor) -> str:
    """Submit before the deadline, or raise SubmissionRefused with every reason."""
    _require_editable(nomination)
    now = now or utcnow()
    applicant = nomination.applicant
    problems = rules.email_problems(actor == applicant, applicant.email_confirmed, applicant.email)
    problems += submission_problems(nomination, form_errors, now)
    if problems:
        raise SubmissionRefused(problems)
    if nomination.reference is None:
        nomination.reference = _next_reference(nomination.round)
    nomination.submitted_at = now
    flag_honoured(nomination)
    lifecycle.mark_submitted(nomination, actor=actor, reference=nomination.reference, flags=nomination.flags)
    notifications.queue(nomination.applicant, "submitted", nomination=nomination)
    return nomination.reference


# -- deadlines --------------------------------------------------------------------------------

def extend_deadline(nomination: Nomination, new_deadline: datetime, reason: str, *, actor) -> DeadlineExtension:
    """Any number of times, each logged with its reason; the new time must be later than the current one."""
    _require_open_round(nomination.round)
    current = nomination.deadline
    if current is not None and new_deadline <= current:
        raise InvalidTransition(_l("The new deadline must be later than the current one."))
    extension = DeadlineExtension(nomination_id=nomination.id, new_deadline=new_deadline, reason=nfc(reason),
                                  granted_by_id=actor.id)
    nomination.extensions.append(extension)
    db.session.flush()
    record("nomination.deadline_extended", nomination, round_id=nomination.round_id, actor=actor,
           old=current, new=new_deadline, reason=extension.reason)
    return extension


# -- possible duplicates across accounts -------------------------------------------------------

def possible_duplicates(round_ids) -> dict[int, list[tuple[int, str]]]:
    """Submitted dossiers (not withdrawn) that share their round, normalised name and level (nominee, city) and
    province with another one, whoever sent them — a school registered twice, or a paper copy of an online dossier:
    {id: [(the other's id, its reference), …]}. A warning for the secretariat and the endorser, not a refusal."""
    rows = db.session.execute(select(
        Nomination.id, Nomination.reference, Nomination.round_id, Nomination.dossier_key, Nomination.province_id)
        .where(Nomination.round_id.in_(list(round_ids)), Nomination.reference.is_not(None),
               Nomination.state != NominationState.WITHDRAWN, Nomination.dossier_key != "")
        .order_by(Nomination.reference)).all()
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.round_id, rules.base_key(row.dossier_key), row.province_id), []).append(row)
    return {row.id: [(other.id, other.reference) for other in group if other.id != row.id]
            for group in groups.values() if len(group) > 1 for row in group}


# -- the lists of those already honoured ------------------------------------------------------

def honoured_matches(nomination: Nomination) -> list[str]:
    """Names on the secretariat's lists that look like this dossier's nominee (a warning, not a refusal)."""
    name = nomination.display_name
    if not name:
        return []
    listed = db.session.scalars(select(HonouredName).where(
        HonouredName.programme_code == nomination.round.programme_code))
    return [h.name for h in listed if rules.similar_names(name, h.name)]


def honoured_refusals(nomination: Nomination) -> list:
    """A winner that ASEAN's result put on the list (HonouredName.refuses) cannot enter again: the same school
    (name and province) or young person (name and date of birth). A merely similar name is only flagged."""
    identity = rules.honoured_identity(nomination.round.programme_code.value, nomination.details or {})
    if not identity:
        return []
    listed = db.session.scalars(select(HonouredName).where(HonouredName.refuses.is_(True),
                                                           HonouredName.identity == identity))
    return [rules.honoured_refusal(h.name, h.year, h.detail) for h in listed]


def flag_honoured(nomination: Nomination) -> list[str]:
    matches = honoured_matches(nomination)
    nomination.flags = [f for f in nomination.flags or [] if not f.startswith("honoured:")] + [
        f"honoured:{m}" for m in matches]
    return matches


# -- endorsement ------------------------------------------------------------------------------

def endorse(nominations: list[Nomination], letter_stream: BinaryIO, letter_name: str, number: str, *,
            actor) -> EndorsementLetter:
    """Confirm several dossiers of the endorser's province with one signed official letter (PDF)."""
    for nomination in nominations:
        _require_awaiting_endorsement(nomination)
    try:
        sha, size, _kind = files.store(letter_stream, current_storage(), allowed={"pdf"},
                                       max_bytes=current_app.config["UPLOAD_MAX_FILE_MB"] * 1024 * 1024)
    except files.UploadRefused as refused:
        if refused.reason == "too_large":
            raise UploadProblem(file_too_large_message(sent_size(letter_stream))) from refused
        message = UPLOAD_MESSAGES.get(refused.reason) or _l("The official letter must be a PDF file.")
        raise UploadProblem(message if refused.reason != "not_allowed"
                            else _l("The official letter must be a PDF file.")) from refused
    letter = EndorsementLetter(endorser_id=actor.id, number=nfc(number).strip(), original_name=clean_name(letter_name),
                               sha256=sha, size=size)
    db.session.add(letter)
    db.session.flush()
    for nomination in nominations:
        nomination.endorsements.append(Endorsement(endorser_id=actor.id, outcome=EndorsementOutcome.CONFIRMED,
                                                   letter_id=letter.id))
        lifecycle.mark_endorsed(nomination, actor=actor)
    record("endorsement.letter_uploaded", letter, actor=actor, number=letter.number,
           nominations=[n.id for n in nominations])
    return letter


def return_to_applicant(nomination: Nomination, comment: str, *, actor) -> None:
    _require_awaiting_endorsement(nomination)
    comment = nfc(comment or "").strip()
    if not comment:
        raise InvalidTransition(_l("Tell the applicant what to correct."))
    nomination.endorsements.append(Endorsement(endorser_id=actor.id, outcome=EndorsementOutcome.RETURNED,
                                               comment=comment))
    lifecycle.return_for_correction(nomination, comment, actor=actor)
    notifications.queue(nomination.applicant, "returned", nomination=nomination, comment=comment)


def _require_awaiting_endorsement(nomination: Nomination) -> None:
    _require_open_round(nomination.round)
    if not nomination.round.endorsement_required or nomination.state != NominationState.SUBMITTED:
        raise InvalidTransition(_l("This dossier is not waiting for endorsement."))


# -- city indicator tables --------------------------------------------------------------------

def add_indicator_value(entry: Entry, indicator, year: int, value: Decimal, document: Document | None, *,
                        actor) -> IndicatorValue:
    _require_editable(entry.nomination)
    if indicator.round_id != entry.nomination.round_id or indicator.outcome != programmes.entry_outcome(entry):
        raise InvalidTransition(_l("This indicator does not belong to this entry's outcome."))
    if any(v.indicator_id == indicator.id and v.year == year for v in entry.indicator_values):
        raise InvalidTransition(_l("This indicator already has a value for %(year)d.", year=year))
    row = IndicatorValue(indicator_id=indicator.id, year=year, value=value,
                         document_id=document.id if document else None)
    entry.indicator_values.append(row)
    db.session.flush()
    record("indicator.value_added", row, round_id=entry.nomination.round_id, actor=actor, entry=entry.id,
           indicator=indicator.id, year=year, value=value)
    return row


def remove_indicator_value(row: IndicatorValue, entry: Entry, *, actor) -> None:
    _require_editable(entry.nomination)
    record("indicator.value_removed", row, round_id=entry.nomination.round_id, actor=actor, entry=entry.id,
           indicator=row.indicator_id, year=row.year)
    entry.indicator_values.remove(row)


def set_entry_narrative(entry: Entry, narrative: str, *, actor) -> None:
    _require_editable(entry.nomination)
    narrative = nfc(narrative or "")
    if narrative != entry.narrative:
        record("entry.narrative_saved", entry, round_id=entry.nomination.round_id, actor=actor,
               length=len(narrative))
        entry.narrative = narrative
