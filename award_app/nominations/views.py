
import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from award_app import autosave
from award_app.bounds import query_number, sent_version, whole_number
from award_app.clock import utcnow
from award_app.errors import DomainError, StaleEdit
from award_app.extensions import db
from award_app.i18n import localized
from award_app.nominations import files, lifecycle, programmes, rules, services
from award_app.nominations.forms import (
    DocumentForm,
    EndorseForm,
    ExtensionForm,
    IndicatorValueForm,
    NarrativeForm,
    PaperDossierForm,
    ReasonForm,
)
from award_app.nominations.models import Document, Entry, Nomination, NominationState, list_deferred
from award_app.nominations.permissions import (
    can_change_documents,
    can_edit_nomination,
    can_endorse,
    can_enter_paper_dossier,
    can_extend_deadline,
    can_list_nominations,
    can_start_nomination,
    can_view_nomination,
    can_view_receipt,
    can_withdraw_nomination,
    endorses,
    is_owner,
)
from award_app.nominations.receipt import kept_receipt
from award_app.rounds.models import ProgrammeCode, Province, RankingGroup, Round, RoundState
from award_app.rounds.services import provinces_valid_on
from award_app.storage import content_key, current_storage
from award_app.text import fold

bp = Blueprint("nominations", __name__, url_prefix="/nominations")

@bp.app_template_global()
def nomination_state_name(state: NominationState) -> str:
    return str(rules.STATE_NAMES[state])


@bp.app_template_global()
def need_summary(need) -> tuple[bool, str, str]:
    enough, shown, to_do = rules.need_summary(need)
    return enough, str(shown), str(to_do)


@bp.app_template_global()
def megabytes(size: int, rounding: str = "nearest") -> str:
    return services.megabytes(size, rounding)


@bp.app_template_global()
def duplicate_message(existing: Nomination) -> str:
    return str(services.duplicate_message(existing))


@bp.app_template_global()
def dossier_facts(nomination: Nomination, blind: bool = False) -> list[tuple[str, str]]:
    names = {nomination.province_id: nomination.province.name} if nomination.province else {}
    return programmes.facts(nomination.round, nomination.details or {}, names, blind=blind)

START_ANOTHER = {
    ProgrammeCode.ECO_SCHOOL: _l("Start a dossier for another level"),
    ProgrammeCode.YOUTH: _l("Start a dossier for another nominee"),
    ProgrammeCode.CITY: _l("Start a dossier for another city"),
}


@bp.app_template_global()
def open_calls(rounds: list[Round], nominations: list[Nomination]) -> list[dict]:
    """Per open round the applicant may enter: their drafts to continue (the main action), their other dossiers,
    and whether they may start another one (not while a draft has no name yet)."""
    calls = []
    for round_ in rounds:
        mine = [n for n in nominations if n.round_id == round_.id and n.state != NominationState.WITHDRAWN]
        drafts = [n for n in mine if n.state in rules.EDITABLE]
        calls.append({"round": round_, "drafts": drafts, "others": [n for n in mine if n not in drafts],
                      "may_start": not any(n.dossier_key == "" for n in drafts),
                      "start_label": _("Start a new dossier") if not mine else str(START_ANOTHER[
                          round_.programme_code])})
    return calls


def _actor():
    return current_user._get_current_object()


def nomination_or_404(nomination_id: int, permission) -> Nomination:
    nomination = db.session.scalar(select(Nomination).where(Nomination.id == nomination_id).options(
        selectinload(Nomination.documents), selectinload(Nomination.entries).selectinload(Entry.group)))
    if nomination is None or not permission(current_user, nomination):
        abort(404)
    return nomination


def _province_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("— choose —"))] + [SelectChoice(p.id, p.name) for p in provinces_valid_on(
        utcnow().date())]


@bp.route("/")
@login_required
def mine():
    nominations = db.session.scalars(select(Nomination).where(Nomination.applicant_id == current_user.id).options(
        selectinload(Nomination.round).selectinload(Round.programme)).order_by(Nomination.created_at.desc())).all()
    open_rounds = [r for r in db.session.scalars(select(Round).where(Round.state == RoundState.OPEN))
                   if can_start_nomination(current_user, r)]
    return render_template("nominations/mine.html", nominations=nominations, open_rounds=open_rounds)


@bp.route("/start/<int:round_id>", methods=["POST"])
@login_required
def start(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_start_nomination(current_user, round_):
        abort(404)
    try:
        nomination = services.create_nomination(round_, _actor())
    except services.DuplicateDossier as refused:  # one unnamed draft at a time: that one is opened instead
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(_page_of(refused.existing))
    db.session.commit()
    return redirect(url_for("nominations.edit", nomination_id=nomination.id))


def _page_of(nomination: Nomination) -> str:
    """Where the signed-in user continues a dossier: its form while they may change it, else its page."""
    endpoint = "nominations.edit" if can_edit_nomination(current_user, nomination) else "nominations.show"
    return url_for(endpoint, nomination_id=nomination.id)


def _mark_duplicate(form, nomination: Nomination, duplicate: Nomination | None) -> None:
    """The name (and level) that would make a second dossier for the same school and level, nominee or city: the
    message goes beside those fields (the page links to the other dossier)."""
    if duplicate is None:
        return
    name = programmes.IDENTITY[nomination.round.programme_code][0]
    form[name].errors = [*form[name].errors, str(services.duplicate_message(duplicate))]


def _only_typed_errors(form) -> None:
    """A draft given back without being submitted shows the mistakes in what was typed, not every empty field
    (submitting says what is missing)."""
    for field in form:
        if not any(not isinstance(v, str) or v.strip() for v in field.raw_data or []):
            field.errors = []


NOT_DOSSIER_FIELDS = frozenset({"csrf_token", "version", "action", "checklist_item_id", "criterion_id"})


def _typed_input() -> dict:
    return {k: v for k, v in request.form.to_dict(flat=False).items() if k not in NOT_DOSSIER_FIELDS}


def _valid_values(form) -> dict:
    values = {name: field.data for name, field in form._fields.items()
              if name not in ("csrf_token", "version") and not field.errors}
    return programmes.json_safe(values)


def _field_problems(form) -> list[str | tuple[str, str]]:
    """Each field in error for the submission's summary: its label when nothing was typed, else the label and
    what is wrong ("1285.4" is not how numbers are written here…), never "not filled in" for a typed value."""
    problems = []
    for field in form:
        if not field.errors or field.name == "csrf_token":
            continue
        typed = any(not isinstance(v, str) or v.strip() for v in field.raw_data or [])
        problems.append((str(field.label.text), str(field.errors[0])) if typed else str(field.label.text))
    return problems


def _dossier_form(nomination: Nomination, *, as_saved: bool = False):
    """The form as sent, or (GET, or `as_saved`) as the draft was last saved."""
    round_ = nomination.round
    if request.method == "POST" and not as_saved:
        return programmes.form_for(round_, _province_choices())
    stored = MultiDict([(k, v) for k, values in (nomination.form_input or {}).items() for v in values])
    form = programmes.form_for(round_, _province_choices(), formdata=stored if stored else None)
    form.version.data = nomination.version
    return form


def _sent_version(form) -> int | None:
    return sent_version(form.version.data)


@bp.route("/<int:nomination_id>/autosave", methods=["POST"])
@login_required
def autosave_dossier(nomination_id: int):
    """The draft saved in the background as the applicant types: the same form, version check, service and
    audit event as "Save draft", never a submission nor a file; answers JSON."""
    nomination = nomination_or_404(nomination_id, can_edit_nomination)
    form = _dossier_form(nomination)
    form.validate()
    try:
        if _sent_version(form) is None:  # a background save is never taken without the version it started from
            raise StaleEdit()
        duplicate = services.save_dossier(nomination, _typed_input(), _valid_values(form),
                                          version=_sent_version(form), actor=_actor())
    except DomainError as refused:
        db.session.rollback()
        return autosave.refused(refused)
    _mark_duplicate(form, nomination, duplicate)
    db.session.commit()
    return autosave.saved(nomination.version, autosave.typed_errors(form))


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_edit_nomination)
    form = _dossier_form(nomination)
    problems, duplicate = [], None
    if request.method == "POST":
        form.validate()
        version = _sent_version(form)
        try:
            duplicate = services.save_dossier(nomination, _typed_input(), _valid_values(form), version=version,
                                              actor=_actor())
        except StaleEdit as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _render_edit(nomination, form, problems)
        _mark_duplicate(form, nomination, duplicate)
        if request.form.get("action") == "submit":
            errors = _field_problems(form)
            try:
                reference = services.submit(nomination, form_errors=errors, actor=_actor())
            except services.SubmissionRefused as refused:
                problems = refused.messages
            else:
                db.session.commit()
                flash(_("Your nomination is submitted. Its reference is %(ref)s.", ref=reference), "success")
                return redirect(url_for("nominations.show", nomination_id=nomination.id))
        document_form = None
        if request.form.get("action") == "upload":  # the typing is saved with the file, never lost
            document_form = _upload_from_request(nomination)
        db.session.commit()
        if not problems and duplicate is None and not (document_form and document_form.errors):
            if request.form.get("action") != "upload":
                flash(_("The draft is saved."), "success")
            return redirect(url_for("nominations.edit", nomination_id=nomination.id)
                            + ("#documents" if request.form.get("action") == "upload" else ""))
        form.version.data = nomination.version
        if request.form.get("action") != "submit":
            _only_typed_errors(form)
        return _render_edit(nomination, form, problems, duplicate=duplicate, document_form=document_form)
    return _render_edit(nomination, form, problems, duplicate=duplicate)


def _upload_from_request(nomination: Nomination) -> DocumentForm:
    """Store the file the form carries. A refused file changes nothing else: the form comes back with the message
    beside the field at fault (the document and criterion chosen stay chosen); without errors, the file is kept."""
    form = _document_form(nomination)
    form.validate()
    item = next((i for i in nomination.round.checklist if str(i.id) == form.checklist_item_id.data), None)
    if item is None and form.checklist_item_id.data:
        abort(404)
    if item is None:
        form.checklist_item_id.errors = [_("Choose which document this file is.")]
    if not form.file.data:
        form.file.errors = [_("Choose a file to upload.")]
    criterion = None
    if item is not None and item.per_criterion:
        criterion = next((c for r in nomination.round.rubrics for c in r.criteria
                          if str(c.id) == form.criterion_id.data), None)
        if criterion is None:
            form.criterion_id.errors = [_("Choose the criterion this evidence is for.")]
    else:
        form.criterion_id.errors = []  # not asked for this document
    if form.checklist_item_id.errors or form.file.errors or form.criterion_id.errors:
        return form
    try:
        with db.session.begin_nested():
            services.add_document(nomination, item, criterion, form.file.data.stream, form.file.data.filename or "",
                                  actor=_actor())
    except DomainError as refused:
        form.file.errors = [str(refused.message)]
        return form
    flash(_("The file is uploaded."), "success")
    return form


def _document_form(nomination: Nomination, *, as_sent: bool = True) -> DocumentForm:
    """The upload form; the criterion is asked only in a round where some document is evidence per criterion
    (eco-schools), and `as_sent=False` leaves the request's body unread (a body too large to read)."""
    form = DocumentForm() if as_sent else DocumentForm(formdata=None)
    checklist = nomination.round.checklist
    form.checklist_item_id.choices = [SelectChoice(str(i.id), localized(i, "name")) for i in checklist
                                      if i.accepted_kinds != ["link"]]
    form.asks_criterion = any(i.per_criterion for i in checklist)
    criteria = [c for r in nomination.round.rubrics for c in r.criteria] if form.asks_criterion else []
    form.criterion_id.choices = [SelectChoice("", _("— not for a criterion —"))] + [
        SelectChoice(str(c.id), localized(c, "name")) for c in criteria]
    return form


def _render_edit(nomination: Nomination, form, problems: list, *, duplicate: Nomination | None = None,
                 document_form: DocumentForm | None = None, status: int = 200):
    return render_template("nominations/edit.html", nomination=nomination, form=form, problems=problems,
                           document_form=document_form or _document_form(nomination),
                           room=services.dossier_room(nomination), needs=services.checklist_needs(nomination),
                           closes_at=nomination.deadline, time_left=time_left(nomination.deadline),
                           duplicate=duplicate, duplicate_url=_page_of(duplicate) if duplicate else None,
                           confirm_email_first=is_owner(current_user, nomination) and not current_user.email_confirmed
                           ), status


def _documents_page(nomination: Nomination):
    endpoint = "nominations.edit" if can_edit_nomination(current_user, nomination) else "nominations.show"
    return redirect(url_for(endpoint, nomination_id=nomination.id) + "#documents")


@bp.route("/<int:nomination_id>/documents", methods=["POST"])
@login_required
def upload(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_change_documents)
    document_form = _upload_from_request(nomination)
    if not document_form.errors:
        db.session.commit()
        return _documents_page(nomination)
    return _page_with_upload_form(nomination, document_form)


def _page_with_upload_form(nomination: Nomination, document_form: DocumentForm, status: int = 200):
    """The page the upload came from, the upload form showing why the file was not kept, the rest as saved."""
    if can_edit_nomination(current_user, nomination):
        return _render_edit(nomination, _dossier_form(nomination, as_saved=True), [], document_form=document_form,
                            status=status)
    return _render_show(nomination, ExtensionForm(formdata=None), document_form=document_form, status=status)


@bp.errorhandler(413)
def _too_large_for_a_dossier(error):
    """A request over MAX_CONTENT_LENGTH is not read at all: a dossier's upload comes back as its page, the
    message beside the file field with the limits, the draft as last saved (autosave keeps the typing)."""
    nomination_id = (request.view_args or {}).get("nomination_id")
    nomination = db.session.get(Nomination, nomination_id) if nomination_id is not None else None
    if (request.endpoint not in ("nominations.edit", "nominations.upload") or nomination is None
            or not can_change_documents(current_user, nomination)):  # nothing of a dossier one may not see
        return render_template("errors/413.html"), 413
    document_form = _document_form(nomination, as_sent=False)
    document_form.file.errors = [str(services.request_too_large_message(
        services.dossier_room(nomination), request.content_length, current_app.config["MAX_CONTENT_LENGTH"]))]
    return _page_with_upload_form(nomination, document_form, status=413)


@bp.route("/<int:nomination_id>/documents/<int:document_id>/thumbnail")
@login_required
def thumbnail(nomination_id: int, document_id: int):
    """Images are shown only as thumbnails the server re-encoded, never as uploaded."""
    nomination = nomination_or_404(nomination_id, can_view_nomination)
    document = next((d for d in nomination.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return current_storage().send(files.thumbnail_key(document.sha256), mimetype="image/jpeg", as_attachment=False)


@bp.route("/<int:nomination_id>/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(nomination_id: int, document_id: int):
    nomination = nomination_or_404(nomination_id, can_change_documents)
    document = next((d for d in nomination.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    services.remove_document(document, actor=_actor())
    db.session.commit()
    flash(_("The file is removed."), "success")
    return _documents_page(nomination)


MIMETYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def send_document(document: Document, *, key: str | None = None):
    """Always an attachment under a name the server makes, with the type we detected and nosniff; never
    shown inline. `key` is a cleaned copy to send instead of the file as kept (a blind round's)."""
    return current_storage().send(key or content_key(document.sha256), mimetype=MIMETYPES[document.kind.value],
                                  download_name=document.download_name)


@bp.cli.command("neutralise-pdfs")
def neutralise_pdfs_command():
    """Replace every stored dossier PDF that carries scripts, actions or embedded files by its neutralised copy
    (uploads are neutralised since; run once after upgrading)."""
    changed = services.neutralise_stored_pdfs()
    db.session.commit()
    click.echo(f"{changed} PDF(s) neutralised.")


@bp.route("/<int:nomination_id>/documents/<int:document_id>")
@login_required
def download(nomination_id: int, document_id: int):
    nomination = nomination_or_404(nomination_id, can_view_nomination)
    document = next((d for d in nomination.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return send_document(document)


@bp.route("/<int:nomination_id>")
@login_required
def show(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_view_nomination)
    extension_form = ExtensionForm(formdata=None)
    extension_form.new_deadline.data = nomination.deadline
    return _render_show(nomination, extension_form)


def _render_show(nomination: Nomination, extension_form: ExtensionForm, *,
                 document_form: DocumentForm | None = None, status: int = 200):
    return render_template("nominations/show.html", nomination=nomination,
                           can_edit=can_edit_nomination(current_user, nomination),
                           can_withdraw=can_withdraw_nomination(current_user, nomination),
                           can_change_documents=can_change_documents(current_user, nomination),
                           can_extend=can_extend_deadline(current_user, nomination),
                           can_return=can_endorse(current_user, nomination),
                           withdraw_form=ReasonForm(formdata=None), return_form=ReasonForm(formdata=None),
                           extension_form=extension_form,
                           document_form=document_form or _document_form(nomination),
                           room=services.dossier_room(nomination), time_left=time_left(nomination.deadline),
                           duplicates=_duplicates_shown(nomination)), status


def _duplicates_shown(nomination: Nomination) -> list[tuple[int, str]]:
    """Other dossiers that may be this one again, for the staff and the endorsers (never for the applicant)."""
    if is_owner(current_user, nomination) or nomination.reference is None:
        return []
    return services.possible_duplicates([nomination.round_id]).get(nomination.id, [])


@bp.route("/<int:nomination_id>/withdraw", methods=["POST"])
@login_required
def withdraw(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_withdraw_nomination)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the withdrawal."), "error")
        return redirect(url_for("nominations.show", nomination_id=nomination.id))
    lifecycle.withdraw(nomination, form.reason.data, actor=_actor())
    db.session.commit()
    flash(_("The nomination is withdrawn."), "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id))


# The secretariat's list shows this many dossiers a page (a national round has thousands).
LIST_PAGE_SIZE = 250


@bp.route("/round/<int:round_id>")
@login_required
def by_round(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_list_nominations(current_user, round_):
        abort(404)
    query = select(Nomination).where(Nomination.round_id == round_id, Nomination.reference.is_not(None))
    state = request.args.get("state", "")
    if state in set(NominationState):
        query = query.where(Nomination.state == state)
    group = query_number("group")
    if group is not None:
        query = query.where(Nomination.entries.any(Entry.group_id == group))
    province = request.args.get("province", "")
    if province:
        query = query.where(Nomination.province_id == province)
    duplicates = services.possible_duplicates([round_id])
    if request.args.get("duplicates"):
        query = query.where(Nomination.id.in_(list(duplicates) or [0]))
    words = fold(request.args.get("q", ""))[:100]
    for word in words.split():
        query = query.where(or_(Nomination.search_text.contains(word, autoescape=True),
                                Nomination.reference.ilike(f"%{word}%")))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // LIST_PAGE_SIZE))
    page = min(pages, max(1, query_number("page", default=1)))
    nominations = db.session.scalars(query.options(
        *list_deferred(), selectinload(Nomination.entries).selectinload(Entry.group),
        selectinload(Nomination.province))
        .order_by(Nomination.reference).offset((page - 1) * LIST_PAGE_SIZE).limit(LIST_PAGE_SIZE)).all()
    groups = db.session.scalars(select(RankingGroup).where(RankingGroup.round_id == round_id)
                                .order_by(RankingGroup.position)).all()
    provinces = sorted(db.session.scalars(select(Province).join(Nomination, Nomination.province_id == Province.id)
                                          .where(Nomination.round_id == round_id).distinct()),
                       key=lambda p: fold(p.name))
    return render_template("nominations/by_round.html", round=round_, nominations=nominations, groups=groups,
                           states=[s for s in NominationState if s != NominationState.DRAFT],
                           provinces=provinces, args=request.args, total=total, page=page, pages=pages,
                           duplicates=duplicates)


def time_left(deadline) -> dict | None:
    """Days and hours before the deadline, or None once it has passed."""
    if deadline is None:
        return None
    seconds = int((deadline - utcnow()).total_seconds())
    if seconds <= 0:
        return None
    return {"days": seconds // 86400, "hours": seconds % 86400 // 3600}


@bp.route("/<int:nomination_id>/extend", methods=["POST"])
@login_required
def extend(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_extend_deadline)
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _render_show(nomination, form)  # the errors beside their fields, the input kept
    services.extend_deadline(nomination, form.new_deadline.data, form.reason.data,
                             actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The deadline of %(ref)s is extended.", ref=nomination.reference or nomination.display_name), "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id))


@bp.route("/round/<int:round_id>/paper", methods=["GET", "POST"])
@login_required
def paper(round_id: int):
    """The secretariat enters a dossier that arrived on paper, on the applicant's behalf."""
    round_ = db.get_or_404(Round, round_id)
    if not can_enter_paper_dossier(current_user, round_):
        abort(404)
    form = PaperDossierForm()
    if form.validate_on_submit():
        try:
            nomination = services.enter_paper_dossier(round_, form.email.data, form.full_name.data,
                                                      form.organisation.data or "",
                                                      actor=current_user._get_current_object())
        except services.DuplicateDossier as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
            return redirect(_page_of(refused.existing))
        db.session.commit()
        flash(_("The paper dossier is started for %(name)s; fill it in from the paper.", name=form.full_name.data),
              "success")
        return redirect(url_for("nominations.edit", nomination_id=nomination.id))
    return render_template("nominations/paper.html", round=round_, form=form)


@bp.route("/<int:nomination_id>/receipt.pdf")
@login_required
def receipt(nomination_id: int):
    """Served from the kept file; drawn only when what it shows has changed (nominations/receipt.py)."""
    nomination = nomination_or_404(nomination_id, can_view_receipt)
    key = kept_receipt(current_storage(), nomination.id, nomination=nomination, facts=dossier_facts(nomination),
                       documents=nomination.documents, organiser=nomination.round.organiser_name)
    return current_storage().send(key, mimetype="application/pdf",
                                  download_name=f"bien-nhan-{nomination.reference}.pdf")


@bp.route("/endorsement/")
@login_required
def endorsement():
    scopes = current_user.endorser_scopes
    if not scopes:
        abort(404)
    waiting = [n for n in db.session.scalars(select(Nomination).join(Round).where(
        Nomination.state == NominationState.SUBMITTED, Round.endorsement_required.is_(True),
        Nomination.province_id.in_({s.province_id for s in scopes})).options(
        selectinload(Nomination.round).selectinload(Round.programme)).order_by(Nomination.reference))
        if can_endorse(current_user, n)]
    done = [n for n in db.session.scalars(select(Nomination).where(
        Nomination.province_id.in_({s.province_id for s in scopes}), Nomination.endorsements.any()).options(
        selectinload(Nomination.round).selectinload(Round.programme)).order_by(Nomination.reference))
        if endorses(current_user, n)]
    form = EndorseForm()
    form.nomination_ids.choices = [SelectChoice(str(n.id), f"{n.reference} – {n.display_name}") for n in waiting]
    return render_template("nominations/endorsement.html", waiting=waiting, done=done, form=form,
                           return_form=ReasonForm(),
                           duplicates=services.possible_duplicates({n.round_id for n in waiting}))


@bp.route("/endorsement/confirm", methods=["POST"])
@login_required
def endorse():
    """Someone who is no endorser, or who names a dossier they may not endorse, gets 404 like any page they may
    not see; an endorser who ticked nothing is asked to tick."""
    if not current_user.endorser_scopes:
        abort(404)
    form = EndorseForm()
    chosen = [db.session.get(Nomination, whole_number(i)) for i in request.form.getlist("nomination_ids")
              if whole_number(i) is not None]
    if any(n is None or not can_endorse(current_user, n) for n in chosen):
        abort(404)
    if not chosen:
        flash(_("Tick the dossiers that the official letter covers."), "error")
        return redirect(url_for("nominations.endorsement"))
    form.nomination_ids.choices = [SelectChoice(str(n.id), n.reference) for n in chosen]
    if not form.validate_on_submit() or not form.letter.data:
        flash(_("Give the letter's number and attach the signed letter as a PDF."), "error")
        return redirect(url_for("nominations.endorsement"))
    letter = form.letter.data
    services.endorse(chosen, letter.stream, letter.filename or "cong-van.pdf", form.number.data,
                     actor=current_user._get_current_object())
    db.session.commit()
    flash(_("%(n)d dossiers are confirmed.", n=len(chosen)), "success")
    return redirect(url_for("nominations.endorsement"))


@bp.route("/<int:nomination_id>/return", methods=["POST"])
@login_required
def return_nomination(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_endorse)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Tell the applicant what to correct."), "error")
        return redirect(url_for("nominations.show", nomination_id=nomination.id))
    services.return_to_applicant(nomination, form.reason.data, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("%(ref)s is returned to the applicant.", ref=nomination.reference), "success")
    return redirect(url_for("nominations.endorsement"))


def _entry_of(nomination: Nomination, entry_id: int) -> Entry:
    entry = next((e for e in nomination.entries if e.id == entry_id), None)
    if entry is None:
        abort(404)
    return entry


def _indicator_form(nomination: Nomination, entry: Entry) -> IndicatorValueForm:
    form = IndicatorValueForm()
    outcome = programmes.entry_outcome(entry)
    form.indicator_id.choices = [SelectChoice(str(i.id), f"{localized(i, 'name')} ({i.unit})")
                                 for i in nomination.round.indicators if i.outcome == outcome]
    form.document_id.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(str(d.id), d.original_name) for d in nomination.documents]
    return form


@bp.route("/<int:nomination_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry(nomination_id: int, entry_id: int):
    """A city entry: its narrative and its indicator table."""
    nomination = nomination_or_404(nomination_id, can_view_nomination)
    entry = _entry_of(nomination, entry_id)
    editable = can_edit_nomination(current_user, nomination)
    narrative_form, indicator_form = NarrativeForm(prefix="n"), _indicator_form(nomination, entry)
    if request.method == "POST":
        if not editable:
            abort(404)
        actor = current_user._get_current_object()
        if "n-narrative" in request.form and narrative_form.validate_on_submit():
            services.set_entry_narrative(entry, narrative_form.narrative.data, actor=actor)
            db.session.commit()
            flash(_("The narrative is saved."), "success")
            return redirect(request.path)
        if "indicator_id" in request.form and indicator_form.validate_on_submit():
            indicator = next(i for i in nomination.round.indicators if str(i.id) == indicator_form.indicator_id.data)
            document = next((d for d in nomination.documents if str(d.id) == indicator_form.document_id.data), None)
            services.add_indicator_value(entry, indicator, indicator_form.year.data, indicator_form.value.data,
                                         document, actor=actor)
            db.session.commit()
            flash(_("The indicator value is added."), "success")
            return redirect(request.path)
    elif entry.narrative:
        narrative_form.narrative.data = entry.narrative
    return render_template("nominations/entry.html", nomination=nomination, entry=entry, editable=editable,
                           narrative_form=narrative_form, indicator_form=indicator_form)


@bp.route("/<int:nomination_id>/entries/<int:entry_id>/values/<int:value_id>/delete", methods=["POST"])
@login_required
def delete_indicator_value(nomination_id: int, entry_id: int, value_id: int):
    nomination = nomination_or_404(nomination_id, can_edit_nomination)
    entry = _entry_of(nomination, entry_id)
    row = next((v for v in entry.indicator_values if v.id == value_id), None)
    if row is None:
        abort(404)
    services.remove_indicator_value(row, entry, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The indicator value is removed."), "success")
    return redirect(url_for("nominations.entry", nomination_id=nomination.id, entry_id=entry.id))
