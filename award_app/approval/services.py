"""Approving a round's results: the decision freezes everything that decided them. Never commits."""

from datetime import date
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from award_app.approval.models import Decision, Revocation
from award_app.audit.services import record
from award_app.clock import utcnow
from award_app.errors import InvalidTransition, RoundFrozen
from award_app.extensions import db
from award_app.nominations import files, lifecycle
from award_app.nominations.models import Entry, Nomination, NominationState
from award_app.nominations.rules import COMPETING
from award_app.nominations.services import file_too_large_message
from award_app.ranking.models import RankingRun
from award_app.ranking.services import latest_meeting, run_rows
from award_app.rounds.models import Round, RoundState
from award_app.storage import current_storage
from award_app.text import nfc
from award_app.uploads import sent_size


def approve(round_: Round, run: RankingRun | None, *, number: str, signed_on: date, signer_name: str,
            signer_title: str, actor) -> Decision:
    if round_.is_frozen:
        raise RoundFrozen()
    if round_.state != RoundState.COUNCIL:
        raise InvalidTransition(_l("Only a proposal handed over by the council can be approved."))
    if run is None or run.round_id != round_.id:
        raise InvalidTransition(_l("There is no ranking to approve."))
    meeting = latest_meeting(round_)
    if meeting is None or meeting.ranking_run_id != run.id or meeting.returned_at is not None:
        raise InvalidTransition(_l("The council has not adopted this proposal yet: the chair records the meeting "
                                   "first."))
    withdrawn = [row.entry.nomination.reference for row in run_rows(run)
                 if row.entry.nomination.state == NominationState.WITHDRAWN]
    if withdrawn:
        raise InvalidTransition(_l("%(refs)s was withdrawn after the proposal: the secretariat computes the ranking "
                                   "again and the council adopts it again.", refs=", ".join(withdrawn)))
    decision = Decision(round_id=round_.id, ranking_run_id=run.id, number=nfc(number).strip(), signed_on=signed_on,
                        signer_name=nfc(signer_name).strip(), signer_title=nfc(signer_title).strip(),
                        approved_by_id=actor.id)
    db.session.add(decision)
    winners = {row.entry.nomination_id for row in run_rows(run) if row.tier_code}
    competing = db.session.query(Nomination).filter(Nomination.round_id == round_.id,
                                                    Nomination.state.in_(COMPETING))
    for nomination in competing:
        lifecycle.decide(nomination, awarded=nomination.id in winners, actor=actor)
    old = round_.state
    round_.state = RoundState.APPROVED
    db.session.flush()
    record("round.approved", round_, round_id=round_.id, actor=actor, old=old, new=round_.state,
           decision=decision.number, signed_on=signed_on, run=run.id, winners=sorted(winners))
    return decision


def return_proposal(round_: Round, reason: str, *, actor) -> None:
    """The approver sends the proposal back to the council; the chair records a new meeting."""
    if round_.is_frozen or round_.state != RoundState.COUNCIL:
        raise InvalidTransition(_l("Only a proposal waiting for approval can be returned."))
    meeting = latest_meeting(round_)
    reason = nfc(reason or "").strip()
    if meeting is None or meeting.returned_at is not None:
        raise InvalidTransition(_l("There is no proposal waiting for approval."))
    if not reason:
        raise InvalidTransition(_l("Give the council the reason for returning the proposal."))
    meeting.returned_at, meeting.return_reason = utcnow(), reason
    record("proposal.returned", meeting, round_id=round_.id, actor=actor, reason=reason)


def attach_scan(decision: Decision, stream: BinaryIO, filename: str, *, actor) -> None:
    """The decision as signed on paper, scanned to PDF, kept with the approval: uploaded once, then never
    replaced (R8: nothing that decided the result changes after approval). The file is checked and stored
    first; the decision takes it only if it still has none, in one conditional UPDATE, so that of two
    uploads at once only one is kept."""
    if decision.scan_sha256:
        raise InvalidTransition(SCAN_ALREADY_KEPT)
    try:
        sha, _size, _kind = files.store(stream, current_storage(), allowed={"pdf"},
                                        max_bytes=current_app.config["UPLOAD_MAX_FILE_MB"] * 1024 * 1024)
    except files.UploadRefused as refused:
        if refused.reason == "too_large":
            raise InvalidTransition(file_too_large_message(sent_size(stream))) from refused
        raise InvalidTransition(_l("The signed decision must be a PDF file.")) from refused
    name = nfc(filename or "quyet-dinh.pdf")[:255]
    taken = db.session.execute(update(Decision).where(Decision.id == decision.id, Decision.scan_sha256.is_(None))
                               .values(scan_sha256=sha, scan_name=name)).rowcount
    if not taken:
        raise InvalidTransition(SCAN_ALREADY_KEPT)
    db.session.refresh(decision)
    record("decision.scan_uploaded", decision, round_id=decision.round_id, actor=actor, sha256=sha)


SCAN_ALREADY_KEPT = _l("The signed decision is already kept with the approval and cannot be replaced.")


def publish(round_: Round, *, actor) -> None:
    if round_.state != RoundState.APPROVED:
        raise InvalidTransition(_l("Only approved results can be published."))
    round_.state = RoundState.PUBLISHED
    record("round.published", round_, round_id=round_.id, actor=actor, old=RoundState.APPROVED,
           new=RoundState.PUBLISHED)


def revoke(entry: Entry, reason: str, decision_reference: str, *, actor) -> Revocation:
    """Revocation happens after the freeze, as a new event: nothing that decided the result changes."""
    round_ = entry.nomination.round
    if not round_.is_frozen:
        raise InvalidTransition(_l("Only an approved award can be revoked."))
    if entry.revocation is not None:
        raise InvalidTransition(_l("This award is already revoked."))
    reason, decision_reference = nfc(reason or "").strip(), nfc(decision_reference or "").strip()
    if not reason or not decision_reference:
        raise InvalidTransition(_l("Give the reason and the reference of the revocation decision."))
    nomination = entry.nomination
    old = nomination.state
    lifecycle.revoke(nomination, reason, actor=actor, entry=entry.id, decision=decision_reference)
    revocation = Revocation(round_id=round_.id, entry_id=entry.id, reason=reason,
                            decision_reference=decision_reference, revoked_by_id=actor.id)
    db.session.add(revocation)
    db.session.flush()
    record("award.revoked", revocation, round_id=round_.id, actor=actor, entry=entry.id, nomination=nomination.id,
           old=old, new=nomination.state, reason=reason, decision=decision_reference)
    return revocation
