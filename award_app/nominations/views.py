
import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
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
from award_app.rounds.models import Province, RankingGroup, Round, RoundState
from award_app.rounds.services import provinces_valid_on
from award_app.storage import content_key, current_storage
from award_app.text import fold

bp = Blueprint("nominations", __name__, url_prefix="/nominations")

@bp.app_template_global()
def nomination_state_name(state: NominationState) -> str:
    return str(rules.STATE_NAMES[state])


@bp.app_template_global()
def dossier_facts(nomination: Nomination, blind: bool = False) -> list[tuple[str, str]]:
    names = {nomination.province_id: nomination.province.name} if nomination.province else {}
    return programmes.facts(nomination.round, nomination.details or {}, names, blind=blind)

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
    nomination = services.create_nomination(round_, _actor())
    db.session.commit()
    return redirect(url_for("nominations.edit", nomination_id=nomination.id))


NOT_DOSSIER_FIELDS = frozenset({"csrf_token", "version", "action", "checklist_item_id", "criterion_id"})


def _typed_input() -> dict:
    return {k: v for k, v in request.form.to_dict(flat=False).items() if k not in NOT_DOSSIER_FIELDS}


def _valid_values(form) -> dict:
    values = {name: field.data for name, field in form._fields.items()
              if name not in ("csrf_token", "version") and not field.errors}
    return programmes.json_safe(values)


def _dossier_form(nomination: Nomination):
    round_ = nomination.round
    if request.method == "POST":
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
        services.save_dossier(nomination, _typed_input(), _valid_values(form), version=_sent_version(form),
                              actor=_actor())
    except DomainError as refused:
        db.session.rollback()
        return autosave.refused(refused)
    db.session.commit()
    return autosave.saved(nomination.version, autosave.typed_errors(form))


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_edit_nomination)
    form = _dossier_form(nomination)
    problems = []
    if request.method == "POST":
        form.validate()
        version = _sent_version(form)
        try:
            services.save_dossier(nomination, _typed_input(), _valid_values(form), version=version, actor=_actor())
        except StaleEdit as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _render_edit(nomination, form, problems)
        if request.form.get("action") == "submit":
            errors = [str(field.label.text) for field in form if field.errors and field.name != "csrf_token"]
            try:
                reference = services.submit(nomination, form_errors=errors, actor=_actor())
            except services.SubmissionRefused as refused:
                problems = refused.messages
            else:
                db.session.commit()
                flash(_("Your nomination is submitted. Its reference is %(ref)s.", ref=reference), "success")
                return redirect(url_for("nominations.show", nomination_id=nomination.id))
        if request.form.get("action") == "upload":  # the typing is saved with the file, never lost
            _upload_from_request(nomination)
        db.session.commit()
        if not problems:
            if request.form.get("action") != "upload":
                flash(_("The draft is saved."), "success")
            return redirect(url_for("nominations.edit", nomination_id=nomination.id)
                            + ("#documents" if request.form.get("action") == "upload" else ""))
        form.version.data = nomination.version
    return _render_edit(nomination, form, problems)


def _upload_from_request(nomination: Nomination) -> bool:
    """Store the file the form carries; a refused file gets its message and changes nothing else."""
    form = _document_form(nomination)
    form.validate()
    upload_file = form.file.data
    if not upload_file or not form.checklist_item_id.data:
        flash(_("Choose the document and a file to upload."), "error")
        return False
    item = next((i for i in nomination.round.checklist if str(i.id) == form.checklist_item_id.data), None)
    if item is None:
        abort(404)
    criterion = None
    if item.per_criterion:
        criterion = next((c for r in nomination.round.rubrics for c in r.criteria
                          if str(c.id) == form.criterion_id.data), None)
        if criterion is None:
            flash(_("Choose the criterion this evidence is for."), "error")
            return False
    try:
        with db.session.begin_nested():
            services.add_document(nomination, item, criterion, upload_file.stream, upload_file.filename or "",
                                  actor=_actor())
    except DomainError as refused:
        flash(str(refused.message), "error")
        return False
    flash(_("The file is uploaded."), "success")
    return True


def _document_form(nomination: Nomination) -> DocumentForm:
    form = DocumentForm()
    form.checklist_item_id.choices = [SelectChoice(str(i.id), localized(i, "name")) for i in nomination.round.checklist
                                      if i.accepted_kinds != ["link"]]
    criteria = [c for r in nomination.round.rubrics for c in r.criteria]
    form.criterion_id.choices = [SelectChoice("", _("— not for a criterion —"))] + [
        SelectChoice(str(c.id), localized(c, "name")) for c in criteria]
    return form


def _render_edit(nomination: Nomination, form, problems: list):
    return render_template("nominations/edit.html", nomination=nomination, form=form, problems=problems,
                           document_form=_document_form(nomination), needs=services.checklist_needs(nomination),
                           closes_at=nomination.deadline, time_left=time_left(nomination.deadline),
                           confirm_email_first=is_owner(current_user, nomination) and not current_user.email_confirmed)


def _documents_page(nomination: Nomination):
    endpoint = "nominations.edit" if can_edit_nomination(current_user, nomination) else "nominations.show"
    return redirect(url_for(endpoint, nomination_id=nomination.id) + "#documents")


@bp.route("/<int:nomination_id>/documents", methods=["POST"])
@login_required
def upload(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_change_documents)
    if _upload_from_request(nomination):
        db.session.commit()
    return _documents_page(nomination)


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


def _render_show(nomination: Nomination, extension_form: ExtensionForm):
    return render_template("nominations/show.html", nomination=nomination,
                           can_edit=can_edit_nomination(current_user, nomination),
                           can_withdraw=can_withdraw_nomination(current_user, nomination),
                           can_change_documents=can_change_documents(current_user, nomination),
                           can_extend=can_extend_deadline(current_user, nomination),
                           can_return=can_endorse(current_user, nomination),
                           withdraw_form=ReasonForm(formdata=None), return_form=ReasonForm(formdata=None),
                           extension_form=extension_form,
                           document_form=_document_form(nomination), time_left=time_left(nomination.deadline))


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
                           provinces=provinces, args=request.args, total=total, page=page, pages=pages)


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
        nomination = services.enter_paper_dossier(round_, form.email.data, form.full_name.data,
                                                  form.organisation.data or "",
                                                  actor=current_user._get_current_object())
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
                           return_form=ReasonForm())


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
