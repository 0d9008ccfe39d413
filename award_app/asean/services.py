"""The round's call to ASEAN, the nominees' English supplements, the checklist, the package and ASEAN's result.
Never commits; nothing of the national dossier changes."""

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from award_app.approval.models import Decision
from award_app.asean import documents, rules
from award_app.asean.models import (
    AseanCall,
    AseanDocument,
    AseanOutcome,
    AseanRequirement,
    AseanResult,
    AseanSupplement,
    SupplementState,
)
from award_app.audit.services import record
from award_app.clock import today_in_vietnam, utcnow
from award_app.eligibility.services import add_honoured, remove_honoured
from award_app.errors import InvalidTransition, StaleEdit
from award_app.extensions import db
from award_app.i18n import localized
from award_app.jobs.services import register
from award_app.nominations import services as nominations
from award_app.nominations.models import Document, Entry, Nomination, NominationState
from award_app.nominations.rules import honoured_identity
from award_app.notifications import services as notifications
from award_app.ranking.services import latest_meeting, run_rows
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_manage_rounds
from award_app.storage import content_key, current_storage
from award_app.text import nfc

NOMINEE, SECRETARIAT = "nominee", "secretariat"


class PackageRefused(InvalidTransition):
    default_message = _l("The package cannot be made while the checklist has gaps.")


# -- the round, its decision and its nominees ---------------------------------------------------------

def decision_of(round_: Round) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.round_id == round_.id))


def _require_decided(round_: Round) -> Decision:
    decision = decision_of(round_)
    if decision is None or not round_.is_frozen:
        raise InvalidTransition(_l("The package to ASEAN follows the approved national decision."))
    return decision


@dataclass(frozen=True)
class Nominee:
    """An entry the approved decision puts forward to ASEAN."""

    entry: Entry
    category: str      # the group's ASEAN category: primary, junior, esc, cor_clean_air_big …
    tier_code: str | None

    @property
    def nomination(self) -> Nomination:
        return self.entry.nomination


def nominees(round_: Round) -> list[Nominee]:
    """The approved run's ASEAN nominees, in ranking order; a revoked award or a withdrawn dossier is not sent."""
    decision = decision_of(round_)
    if decision is None:
        return []
    return [Nominee(row.entry, row.group.asean_category, row.tier_code) for row in run_rows(decision.ranking_run)
            if row.asean_nominee and row.entry.revocation is None
            and row.entry.nomination.state != NominationState.WITHDRAWN]


def nominated_entries(nomination: Nomination) -> list[Entry]:
    return [n.entry for n in nominees(nomination.round) if n.entry.nomination_id == nomination.id]


def category_names(round_: Round) -> dict[str, tuple[str, str]]:
    """ASEAN category → (Vietnamese, English) name, from the round's quotas."""
    return {q.category: (q.name_vi, q.name_en) for q in round_.quotas}


# -- the call: the round's settings for the package -----------------------------------------------------

def call_of(round_: Round) -> AseanCall | None:
    return db.session.scalar(select(AseanCall).where(AseanCall.round_id == round_.id))


def default_call_values(round_: Round) -> dict:
    """What a new call starts with: the organiser's English name, ASEAN's Secretariat, the decision's signer."""
    decision = decision_of(round_)
    return {"deadline": None, "supplement_due_on": None,
            "organiser_en": rules.ORGANISER_EN.get(round_.organiser_name, round_.organiser_name),
            "addressee": rules.ADDRESSEE, "signer_name": decision.signer_name if decision else "",
            "signer_title": "", "exclude_winners": round_.programme_code.value in rules.EXCLUDES_WINNERS}


CALL_FIELDS = ("deadline", "supplement_due_on", "organiser_en", "addressee", "signer_name", "signer_title",
               "exclude_winners")


def _new_call(round_: Round) -> AseanCall:
    call = AseanCall(round_id=round_.id, **default_call_values(round_))
    national = {item.code for item in round_.checklist}
    for position, values in enumerate(rules.DEFAULT_REQUIREMENTS[round_.programme_code.value], start=1):
        requirement = AseanRequirement(position=position, **values)
        if requirement.national_item not in national:
            requirement.national_item = ""
        call.requirements.append(requirement)
    db.session.add(call)
    return call


def save_call(round_: Round, values: dict, *, version: int | None, actor) -> AseanCall:
    """Set ASEAN's deadline, the supplements' due date and the cover letter's facts; a new call takes the
    programme's requirements. The open supplements move to the new due date."""
    _require_decided(round_)
    call = call_of(round_)
    if call is None:
        call = _new_call(round_)
    elif version is not None and version != call.version:
        raise StaleEdit()
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in values.items() if k in CALL_FIELDS}
    due, deadline = values.get("supplement_due_on"), values.get("deadline")
    if due is not None and deadline is not None and due >= deadline:
        raise InvalidTransition(_l("The supplements must be due before ASEAN's deadline."))
    changes = {k: [getattr(call, k), v] for k, v in values.items() if getattr(call, k) != v}
    for key, value in values.items():
        setattr(call, key, value)
    db.session.flush()
    if "supplement_due_on" in changes and due is not None:
        for supplement in db.session.scalars(select(AseanSupplement).where(
                AseanSupplement.call_id == call.id, AseanSupplement.state == SupplementState.REQUESTED)):
            supplement.due_on = due
    if changes:
        record("asean.call_saved", call, round_id=round_.id, actor=actor, changes=changes)
    return call


def update_requirements(call: AseanCall, rows: dict[int, dict], *, version: int | None, actor) -> dict:
    """Edit what each nominee must send: names, whether required, and how many files."""
    if version is not None and version != call.version:
        raise StaleEdit()
    changes = {}
    for requirement in call.requirements:
        values = rows.get(requirement.id)
        if values is None:
            continue
        low, high = values.get("min_count", requirement.min_count), values.get("max_count", requirement.max_count)
        if high is not None and low is not None and high < low:
            raise InvalidTransition(_l("“%(item)s”: the most files cannot be fewer than the least.",
                                       item=localized(requirement, "name")))
        diff = {k: [getattr(requirement, k), v] for k, v in values.items() if getattr(requirement, k) != v}
        for key, value in values.items():
            setattr(requirement, key, nfc(value) if isinstance(value, str) else value)
        if diff:
            changes[requirement.code] = diff
    if changes:
        flag_modified(call, "addressee")  # the call's version moves with its requirements: a stale form is refused
        db.session.flush()
        record("asean.requirements_changed", call, round_id=call.round_id, actor=actor, changes=changes)
    return changes


# -- the supplements ----------------------------------------------------------------------------------

def supplements_of(round_: Round) -> dict[int, AseanSupplement]:
    """nomination id → its supplement."""
    query = (select(AseanSupplement).join(AseanCall).where(AseanCall.round_id == round_.id)
             .options(selectinload(AseanSupplement.documents)))
    return {s.nomination_id: s for s in db.session.scalars(query)}


def request_supplements(round_: Round, *, actor) -> list[AseanSupplement]:
    """Ask each nominee not yet asked for their supplement (an e-mail with what ASEAN needs and by when)."""
    _require_decided(round_)
    call = call_of(round_)
    problem = rules.due_date_problem(call.supplement_due_on if call else None, call.deadline if call else None,
                                     today_in_vietnam())
    if problem:
        raise InvalidTransition(problem)
    existing = supplements_of(round_)
    made = []
    for nomination in dict.fromkeys(n.nomination for n in nominees(round_)):
        if nomination.id in existing:
            continue
        supplement = AseanSupplement(call=call, nomination=nomination, due_on=call.supplement_due_on,
                                     requested_by_id=actor.id, english={}, english_by={})
        db.session.add(supplement)
        db.session.flush()
        made.append(supplement)
        notifications.queue(nomination.applicant, "asean_supplement_requested", nomination=nomination,
                            supplement=supplement, call=call,
                            items=[localized(r, "name") for r in call.requirements if r.required],
                            url=notifications.link("asean.supplement", asean_supplement_id=supplement.id))
    call.requested_at = utcnow()
    record("asean.supplements_requested", round_, round_id=round_.id, actor=actor,
           nominations=[s.nomination_id for s in made], due_on=call.supplement_due_on, deadline=call.deadline)
    return made


def supplements_of_applicant(user) -> list[AseanSupplement]:
    return list(db.session.scalars(select(AseanSupplement).join(Nomination).where(Nomination.applicant_id == user.id)
                                   .options(selectinload(AseanSupplement.nomination))
                                   .order_by(AseanSupplement.id.desc())))


def is_nominee_of(user, supplement: AseanSupplement) -> bool:
    return user.is_authenticated and supplement.nomination.applicant_id == user.id


def may_change(user, supplement: AseanSupplement) -> bool:
    """The secretariat corrects a supplement at any time; the nominee until they send it."""
    if can_manage_rounds(user):
        return True
    return is_nominee_of(user, supplement) and supplement.state == SupplementState.REQUESTED


def _require_changeable(supplement: AseanSupplement, actor, version: int | None = None) -> str:
    """Who is writing ("nominee" or "secretariat"), once the change is allowed."""
    if not may_change(actor, supplement):
        raise InvalidTransition(_l("The supplement is sent: the secretariat makes any further correction."))
    if version is not None and version != supplement.version:
        raise StaleEdit()
    return SECRETARIAT if can_manage_rounds(actor) else NOMINEE


def english_fields(supplement: AseanSupplement) -> list[rules.EnglishField]:
    nomination = supplement.nomination
    round_ = nomination.round
    criteria = [(c.code, localized(c, "name")) for rubric in round_.rubrics for c in rubric.criteria]
    entries = [(e.group.code, localized(e.group, "name"), e.narrative) for e in nominated_entries(nomination)]
    return rules.english_fields(round_.programme_code.value, nomination.details or {}, criteria, entries)


def save_english(supplement: AseanSupplement, values: dict[str, str], *, version: int | None, actor) -> list[str]:
    """Take the English texts; each changed one is marked with who wrote it (the secretariat's are shown as
    such). Returns the keys changed."""
    by = _require_changeable(supplement, actor, version)
    english, written_by = dict(supplement.english or {}), dict(supplement.english_by or {})
    changed = []
    for english_field in english_fields(supplement):
        text = nfc(values.get(english_field.key) or "")
        if text != english.get(english_field.key, ""):
            english[english_field.key], written_by[english_field.key] = text, by
            changed.append(english_field.key)
    if changed:
        supplement.english, supplement.english_by = english, written_by
        db.session.flush()
        record("asean.supplement_saved", supplement, round_id=supplement.nomination.round_id, actor=actor,
               nomination=supplement.nomination_id, fields=changed, by=by)
    return changed


def add_document(supplement: AseanSupplement, requirement: AseanRequirement, stream: BinaryIO, filename: str,
                 author: str, *, actor) -> AseanDocument:
    """A file checked and kept as dossier files are (nominations.services.store_upload)."""
    by = _require_changeable(supplement, actor)
    if requirement.call_id != supplement.call_id:
        raise InvalidTransition()
    author = nfc(author or "")
    if requirement.needs_author and not author:
        raise nominations.UploadProblem(_l("Name the author of this file."))
    sent = [d for d in supplement.documents if d.requirement_id == requirement.id]
    if requirement.max_count is not None and len(sent) >= requirement.max_count:
        raise nominations.UploadProblem(_l("“%(item)s” takes at most %(most)d files: remove one first.",
                                           item=localized(requirement, "name"), most=requirement.max_count))
    sha, size, kind = nominations.store_upload(stream, allowed=set(requirement.accepted_kinds),
                                               used_bytes=sum(d.size for d in supplement.documents))
    document = AseanDocument(requirement=requirement, original_name=nominations.clean_name(filename), sha256=sha,
                             kind=kind, size=size, author=author if requirement.needs_author else "",
                             uploaded_by_id=actor.id, by_secretariat=by == SECRETARIAT)
    supplement.documents.append(document)
    db.session.flush()
    record("asean.document_uploaded", document, round_id=supplement.nomination.round_id, actor=actor,
           nomination=supplement.nomination_id, requirement=requirement.code, name=document.original_name,
           author=document.author, sha256=sha, size=size, by=by)
    return document


def remove_document(document: AseanDocument, *, actor) -> None:
    supplement = document.supplement
    by = _require_changeable(supplement, actor)
    record("asean.document_removed", document, round_id=supplement.nomination.round_id, actor=actor,
           nomination=supplement.nomination_id, name=document.original_name, by=by)
    supplement.documents.remove(document)


def requirement_needs(supplement: AseanSupplement) -> list[rules.RequirementNeed]:
    national = Counter(d.checklist_item.code for d in supplement.nomination.documents)
    needs = []
    for requirement in supplement.call.requirements:
        sent = [d for d in supplement.documents if d.requirement_id == requirement.id]
        serving = national.get(requirement.national_item, 0) if requirement.national_item else 0
        needs.append(rules.RequirementNeed(localized(requirement, "name"), requirement.required,
                                           requirement.min_count, requirement.max_count, requirement.needs_author,
                                           tuple(d.author for d in sent), serving))
    return needs


def supplement_gaps(supplement: AseanSupplement) -> list:
    details = supplement.nomination.details or {}
    return rules.nominee_gaps(english_fields(supplement), supplement.english or {}, requirement_needs(supplement),
                              supplement.nomination.display_name, details.get("nominator_name") or "")


def send_supplement(supplement: AseanSupplement, *, actor) -> None:
    """The nominee hands the supplement over, once nothing is missing; the secretariat corrects it afterwards."""
    if not is_nominee_of(actor, supplement) or supplement.state != SupplementState.REQUESTED:
        raise InvalidTransition(_l("The supplement is already sent."))
    gaps = supplement_gaps(supplement)
    if gaps:
        raise InvalidTransition(gaps)
    supplement.state, supplement.sent_at = SupplementState.SENT, utcnow()
    record("asean.supplement_sent", supplement, round_id=supplement.nomination.round_id, actor=actor,
           nomination=supplement.nomination_id)


# -- the checklist of the package ----------------------------------------------------------------------

@dataclass
class PackageCheck:
    call: list = field(default_factory=list)
    quotas: list = field(default_factory=list)
    nominees: dict[int, list] = field(default_factory=dict)  # nomination id → what it lacks

    @property
    def ready(self) -> bool:
        return not self.call and not self.quotas and not any(self.nominees.values())


def package_check(round_: Round) -> PackageCheck:
    """What the secretariat must see complete before the package is made, each gap named."""
    call, listed = call_of(round_), nominees(round_)
    check = PackageCheck()
    values = {k: getattr(call, k) for k in CALL_FIELDS} if call else default_call_values(round_)
    check.call = rules.call_gaps(deadline=values["deadline"], supplement_due_on=values["supplement_due_on"],
                                 organiser_en=values["organiser_en"], addressee=values["addressee"],
                                 signer_name=values["signer_name"], signer_title=values["signer_title"],
                                 nominees=len(listed))
    quotas = {q.category: (localized(q, "name"), q.count) for q in round_.quotas}
    check.quotas = rules.quota_gaps(Counter(n.category for n in listed), quotas)
    supplements = supplements_of(round_)
    for nominee in listed:
        supplement = supplements.get(nominee.entry.nomination_id)
        check.nominees[nominee.entry.nomination_id] = (
            supplement_gaps(supplement) if supplement else [_l("The supplement has not been requested yet.")])
    return check


# -- the package ------------------------------------------------------------------------------------------

@dataclass
class PackedFile:
    """One file of the package: its path, and how it is made (the bytes, a stored file, or a PDF to draw)."""

    path: str
    body: bytes | None = None
    key: str | None = None
    pdf: tuple[str, dict] | None = None

    def read(self) -> bytes:
        if self.body is not None:
            return self.body
        if self.key is not None:
            return current_storage().read(self.key)
        template, values = self.pdf
        return documents.render_pdf(template, **values)


def nominee_files(supplement: AseanSupplement) -> list[tuple[str, str, str]]:
    """(name in the package, content key, requirement) of the nominee's documents, in ASEAN's order and names:
    the supplement's files of each requirement, else the national files that serve it. The form comes first."""
    national: dict[str, list[Document]] = {}
    for document in supplement.nomination.documents:
        national.setdefault(document.checklist_item.code, []).append(document)
    files = []
    for position, requirement in enumerate(supplement.call.requirements, start=2):
        sent = sorted((d for d in supplement.documents if d.requirement_id == requirement.id), key=lambda d: d.id)
        chosen = sent or ([] if requirement.needs_author else sorted(national.get(requirement.national_item, []),
                                                                     key=lambda d: d.id))
        for number, document in enumerate(chosen, start=1):
            name = rules.file_name(position, requirement.asean_name, number, len(chosen), document.extension)
            files.append((name, content_key(document.sha256), requirement.code))
    return files


FORM_NAME = "01_Nomination_form.pdf"
LETTER_NAME = "00_Cover_letter.pdf"
DECISION_NAME = "00_National_decision.pdf"
MANIFEST_NAME = "MANIFEST-SHA256.txt"


def package_plan(round_: Round) -> tuple[str, list[PackedFile]]:
    """The package's top folder and its files, in order, with every value read now (plain values)."""
    decision, call = _require_decided(round_), call_of(round_)
    top = f"VN_{rules.PACKAGE_NAMES[round_.programme_code.value]}_{round_.year}"
    supplements = supplements_of(round_)
    english_names = category_names(round_)
    listed = nominees(round_)
    plan = [PackedFile(f"{top}/{LETTER_NAME}", pdf=("cover_letter.html",
                                                    documents.letter_values(round_, call, decision, listed,
                                                                            supplements)))]
    if decision.scan_sha256:
        plan.append(PackedFile(f"{top}/{DECISION_NAME}", key=content_key(decision.scan_sha256)))
    else:
        plan.append(PackedFile(f"{top}/{DECISION_NAME}", body=documents.national_decision(round_, decision,
                                                                                        latest_meeting(round_))))
    for position, nomination in enumerate(dict.fromkeys(n.nomination for n in listed), start=1):
        supplement = supplements[nomination.id]
        category = next(n.category for n in listed if n.nomination is nomination)
        name = (supplement.english or {}).get(rules.NAME_KEY) or nomination.display_name
        folder = f"{top}/{rules.nominee_folder(position, english_names.get(category, ('', category))[1], name)}"
        attached = nominee_files(supplement)
        mine = [n for n in listed if n.nomination is nomination]
        values = documents.form_values(supplement, decision, mine, [FORM_NAME] + [a[0] for a in attached])
        plan.append(PackedFile(f"{folder}/{FORM_NAME}", pdf=("form.html", values)))
        plan += [PackedFile(f"{folder}/{file_name}", key=key) for file_name, key, _code in attached]
    return top, plan


def make_package(round_: Round, progress=None, *, actor=None) -> tuple[bytes, str]:
    """The ZIP for ASEAN, refused while the checklist has gaps; the manifest lists every file with its SHA-256."""
    check = package_check(round_)
    if not check.ready:
        raise PackageRefused()
    top, plan = package_plan(round_)
    listed: list[tuple[str, str]] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, packed in enumerate(plan, start=1):
            body = packed.read()
            archive.writestr(packed.path, body)
            listed.append((packed.path.removeprefix(f"{top}/"), rules.sha256(body)))
            if progress:
                progress(done, len(plan) + 1)
        manifest = rules.manifest(listed).encode()
        archive.writestr(f"{top}/{MANIFEST_NAME}", manifest)
    body = out.getvalue()
    if progress:
        progress(len(plan) + 1, len(plan) + 1)
    record("asean.package_made", db.session.get(Round, round_.id), round_id=round_.id, actor=actor,
           files=len(listed), manifest_sha256=rules.sha256(manifest), zip_sha256=rules.sha256(body))
    return body, f"{top}.zip"


@register("asean_package", may_see=lambda user, job: can_manage_rounds(user))
def package_job(job, progress) -> tuple[bytes, str]:
    round_ = db.session.get(Round, job.round_id)
    return make_package(round_, progress, actor=job.created_by)


# -- ASEAN's result --------------------------------------------------------------------------------------

def result_of(entry: Entry) -> AseanResult | None:
    return db.session.scalar(select(AseanResult).where(AseanResult.entry_id == entry.id))


def cor_categories(round_: Round) -> list[tuple[str, str]]:
    """(code, name) of the round's Certificate-of-Recognition categories."""
    seen: dict[str, str] = {}
    for group in round_.groups:
        if group.code.startswith("cor_"):
            code = group.code.removeprefix("cor_").rsplit("_", 1)[0]
            seen.setdefault(code, localized(group, "name").rsplit(" (", 1)[0])
    return list(seen.items())


RESULT_FIELDS = ("outcome", "cor_category", "size_class", "meeting", "reference", "decided_on")


def record_result(entry: Entry, values: dict, *, version: int | None, actor) -> AseanResult:
    """ASEAN's result for a nominee, audited old → new. An award puts the winner (a school or a young person)
    on the list of those already honoured, which refuses them in later rounds; a corrected result takes
    them off again."""
    round_ = entry.nomination.round
    _require_decided(round_)
    if entry.id not in {n.entry.id for n in nominees(round_)}:
        raise InvalidTransition(_l("This entry was not put forward to ASEAN."))
    outcome = AseanOutcome(values["outcome"])
    meeting, reference = nfc(values.get("meeting") or ""), nfc(values.get("reference") or "")
    cor_category, size_class = values.get("cor_category") or "", values.get("size_class") or ""
    if not meeting or not reference:
        raise InvalidTransition(_l("Give ASEAN's meeting and the reference of its decision."))
    if outcome == AseanOutcome.CERTIFICATE:
        if cor_category not in dict(cor_categories(round_)) or size_class not in rules.SIZE_NAMES:
            raise InvalidTransition(_l("A Certificate of Recognition needs its category and size class."))
    else:
        cor_category, size_class = "", ""
    result = result_of(entry)
    if result is not None and version is not None and version != result.version:
        raise StaleEdit()
    new = {"outcome": outcome, "cor_category": cor_category, "size_class": size_class, "meeting": meeting,
           "reference": reference, "decided_on": values.get("decided_on")}
    old = {k: getattr(result, k) for k in RESULT_FIELDS} if result else {}
    if result is None:
        result = AseanResult(round_id=round_.id, entry_id=entry.id, recorded_by_id=actor.id, **new)
        db.session.add(result)
    else:
        for key, value in new.items():
            setattr(result, key, value)
        result.recorded_by_id, result.recorded_at = actor.id, utcnow()
    _update_honoured(result, entry, actor=actor)
    db.session.flush()
    record("asean.result_recorded", result, round_id=round_.id, actor=actor, entry=entry.id,
           nomination=entry.nomination_id, old=old, new=new, honoured=result.honoured_name_id)
    return result


def _update_honoured(result: AseanResult, entry: Entry, *, actor) -> None:
    round_ = entry.nomination.round
    call = call_of(round_)
    excludes = call.exclude_winners if call else round_.programme_code.value in rules.EXCLUDES_WINNERS
    identity = honoured_identity(round_.programme_code.value, entry.nomination.details or {})
    wins = result.outcome == AseanOutcome.AWARD and excludes and bool(identity)
    if wins and result.honoured_name_id is None:
        year = result.decided_on.year if isinstance(result.decided_on, date) else round_.year
        honoured = add_honoured(round_.programme_code, entry.nomination.display_name,
                                f"{round_.programme.name_en}, {result.reference}", year, actor=actor,
                                identity=identity)
        result.honoured_name_id = honoured.id
    elif not wins and result.honoured_name_id is not None:
        remove_honoured(result.honoured_name, actor=actor)
        result.honoured_name_id = None
