"""Creating, saving, documenting, submitting and withdrawing nominations. Never commits."""

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from award_app.audit.services import record
from award_app.columns import utcnow
from award_app.errors import DomainError, InvalidTransition, RoundFrozen, StaleEdit
from award_app.extensions import db
from award_app.nominations import files, programmes, rules
from award_app.nominations.models import (
    EDITABLE_STATES,
    WITHDRAWABLE,
    Document,
    Entry,
    Nomination,
    NominationState,
)
from award_app.rounds.models import ChecklistItem, Criterion, Round, RoundState
from award_app.text import nfc


class SubmissionRefused(DomainError):
    default_message = _l("The nomination cannot be submitted yet.")


class UploadProblem(DomainError):
    pass


UPLOAD_MESSAGES = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than %(mb)d MB. Send a smaller or compressed file."),
    "unknown_type": _l("This file is not a PDF, JPEG, PNG or Word (DOCX) document, whatever its name says."),
    "not_allowed": _l("This kind of file is not accepted for this document."),
}


def _require_open_round(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen()


def _require_editable(nomination: Nomination, version: int | None = None) -> None:
    _require_open_round(nomination.round)
    if nomination.state not in EDITABLE_STATES:
        raise InvalidTransition(_l("The nomination can no longer be changed."))
    if version is not None and version != nomination.version:
        raise StaleEdit()


def create_nomination(round_: Round, applicant, *, actor=None) -> Nomination:
    if round_.state != RoundState.OPEN:
        raise InvalidTransition(_l("This round does not accept nominations now."))
    nomination = Nomination(round=round_, applicant=applicant, state=NominationState.DRAFT,
                            entered_by=actor if actor is not None and actor is not applicant else None)
    db.session.add(nomination)
    db.session.flush()
    record("nomination.created", nomination, round_id=round_.id, actor=actor or applicant,
           entered_by_secretariat=nomination.entered_by_id is not None)
    return nomination


def save_dossier(nomination: Nomination, typed: dict, valid: dict, *, version: int | None, actor) -> None:
    """Keep everything typed (`typed`) and take the fields that passed validation (`valid`)."""
    _require_editable(nomination, version)
    round_ = nomination.round
    old = dict(nomination.details or {})
    details = {**old, **{k: nfc(v) if isinstance(v, str) else v for k, v in valid.items()}}
    nomination.form_input = typed
    nomination.details = details
    nomination.display_name = programmes.display_name(round_.programme_code, details)
    nomination.search_text = programmes.search_text(details)
    nomination.province_id = details.get("province_id") or None
    _sync_entries(nomination, programmes.group_codes(round_, details), details.get("narrative", ""))
    changes = {k: [old.get(k), details[k]] for k in details if old.get(k) != details[k]}
    if changes:
        record("nomination.saved", nomination, round_id=round_.id, actor=actor, changes=changes)


def _sync_entries(nomination: Nomination, codes: list[str], narrative: str) -> None:
    groups = {g.code: g for g in nomination.round.groups}
    wanted = {groups[c].id for c in codes if c in groups}
    for entry in list(nomination.entries):
        if entry.group_id not in wanted:
            nomination.entries.remove(entry)
    have = {e.group_id for e in nomination.entries}
    for group_id in sorted(wanted - have):
        nomination.entries.append(Entry(group_id=group_id))
    for entry in nomination.entries:
        entry.narrative = narrative or ""


def add_document(nomination: Nomination, item: ChecklistItem, criterion: Criterion | None, stream: BinaryIO,
                 filename: str, *, actor) -> Document:
    _require_editable(nomination)
    if "link" in item.accepted_kinds and len(item.accepted_kinds) == 1:
        raise UploadProblem(_l("This item is a link, not a file: enter it in the dossier form."))
    limit_mb = current_app.config["UPLOAD_MAX_FILE_MB"]
    try:
        sha, size, kind = files.store(stream, Path(current_app.config["UPLOAD_FOLDER"]),
                                      max_bytes=limit_mb * 1024 * 1024, allowed=set(item.accepted_kinds))
    except files.UploadRefused as refused:
        raise UploadProblem(UPLOAD_MESSAGES[refused.reason] if refused.reason != "too_large"
                            else _l("The file is larger than %(mb)d MB. Send a smaller or compressed file.",
                                    mb=limit_mb)) from refused
    document = Document(nomination=nomination, checklist_item_id=item.id,
                        criterion_id=criterion.id if criterion else None, original_name=_clean_name(filename),
                        sha256=sha, kind=kind, size=size, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record("document.uploaded", document, round_id=nomination.round_id, actor=actor, nomination=nomination.id,
           item=item.code, name=document.original_name, sha256=sha, size=size)
    return document


def _clean_name(filename: str) -> str:
    """The name as the user knows it, for display only: no path, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return (nfc(name) or "file")[:255]


def remove_document(document: Document, *, actor) -> None:
    _require_editable(document.nomination)
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
        name = item.name_vi
        if item.per_criterion:
            for criterion in criteria:
                needs.append(rules.ChecklistNeed(f"{name} – {criterion.name_vi}", item.required, item.min_count,
                                                 item.max_count, counts.get((item.id, criterion.id), 0)))
        else:
            have = sum(n for (item_id, _), n in counts.items() if item_id == item.id)
            needs.append(rules.ChecklistNeed(name, item.required, item.min_count, item.max_count, have))
    return needs


def submission_problems(nomination: Nomination, form_errors: list, now: datetime) -> list:
    """Every reason that blocks submission, all at once."""
    round_ = nomination.round
    problems = rules.deadline_problems(now, round_.closes_at)
    problems += rules.missing_field_problems(form_errors)
    problems += rules.document_problems(checklist_needs(nomination))
    details = nomination.details or {}
    if round_.programme_code == "youth":
        problems += rules.youth_problems(details, programmes.closing_day(round_))
    elif round_.programme_code == "city":
        problems += rules.city_problems(details)
    if not form_errors and not nomination.entries and not problems:
        problems.append(_l("The dossier does not belong to any ranking group of this round."))
    return problems


def _next_reference(round_: Round) -> str:
    taken = db.session.scalar(select(func.count()).select_from(Nomination).where(
        Nomination.round_id == round_.id, Nomination.reference.is_not(None)))
    return f"{round_.programme.ref_prefix}-{round_.year}-{taken + 1:04d}"


def submit(nomination: Nomination, *, form_errors: list, now: datetime | None = None, actor) -> str:
    """Submit before the deadline, or raise SubmissionRefused with every reason."""
    _require_editable(nomination)
    now = now or utcnow()
    problems = submission_problems(nomination, form_errors, now)
    if problems:
        raise SubmissionRefused(problems)
    if nomination.reference is None:
        nomination.reference = _next_reference(nomination.round)
    old = nomination.state
    nomination.state = NominationState.SUBMITTED
    nomination.submitted_at = now
    record("nomination.submitted", nomination, round_id=nomination.round_id, actor=actor, old=old,
           new=nomination.state, reference=nomination.reference)
    return nomination.reference


def withdraw(nomination: Nomination, reason: str, *, actor) -> None:
    """Any time before approval, with a reason."""
    _require_open_round(nomination.round)
    if nomination.state not in WITHDRAWABLE:
        raise InvalidTransition()
    old = nomination.state
    nomination.state = NominationState.WITHDRAWN
    nomination.state_reason = nfc(reason)
    record("nomination.withdrawn", nomination, round_id=nomination.round_id, actor=actor, old=old,
           reason=nomination.state_reason)


def set_state(nomination: Nomination, new: NominationState, *, actor, reason: str = "", action: str) -> None:
    """A later stage moves a dossier on (screening, review, award); the round must not be frozen."""
    _require_open_round(nomination.round)
    old = nomination.state
    nomination.state = new
    nomination.state_reason = nfc(reason) or ""
    record(action, nomination, round_id=nomination.round_id, actor=actor, old=old, new=new, reason=reason)
