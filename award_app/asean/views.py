from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from award_app.asean import services
from award_app.asean.forms import CallForm, DocumentForm, RequirementsForm, ResultForm, supplement_form_class
from award_app.asean.models import AseanDocument, AseanSupplement
from award_app.asean.permissions import (
    can_change_supplement,
    can_manage_asean,
    can_send_supplement,
    can_view_asean,
    can_view_supplement,
)
from award_app.bounds import sent_version, whole_number
from award_app.errors import DomainError, StaleEdit
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.i18n import localized
from award_app.jobs import services as jobs
from award_app.nominations.models import Entry
from award_app.nominations.views import MIMETYPES
from award_app.rounds.models import Round
from award_app.rounds.permissions import can_list_rounds
from award_app.storage import content_key, current_storage

bp = Blueprint("asean", __name__, url_prefix="/asean")


def _actor():
    return current_user._get_current_object()


def _round_or_404(round_id: int, permission) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not permission(current_user, round_) or services.decision_of(round_) is None:
        abort(404)
    return round_


def _supplement_or_404(supplement_id: int, permission) -> AseanSupplement:
    supplement = db.get_or_404(AseanSupplement, supplement_id)
    if not permission(current_user, supplement):
        abort(404)
    return supplement


# -- the round's page: settings, nominees and their checklist, the package, ASEAN's results -----------------

def _call_form(round_: Round, formdata=None) -> CallForm:
    call = services.call_of(round_)
    if formdata is not None:
        return CallForm(formdata=formdata)
    values = {k: getattr(call, k) for k in services.CALL_FIELDS} if call else services.default_call_values(round_)
    form = CallForm(formdata=None, data=values)
    form.version.data = call.version if call else ""
    return form


def _requirements_form(round_: Round, formdata=None) -> RequirementsForm | None:
    call = services.call_of(round_)
    if call is None:
        return None
    if formdata is not None:
        return RequirementsForm(formdata=formdata)
    form = RequirementsForm(formdata=None)
    for requirement in call.requirements:
        form.requirements.append_entry({"id": requirement.id, "name_vi": requirement.name_vi,
                                        "name_en": requirement.name_en, "required": requirement.required,
                                        "min_count": requirement.min_count, "max_count": requirement.max_count})
    form.version.data = call.version
    return form


def _result_form(round_: Round, result, formdata=None, prefix: str = "") -> ResultForm:
    if formdata is not None:
        form = ResultForm(formdata=formdata, prefix=prefix)
    else:
        values = {k: getattr(result, k) for k in services.RESULT_FIELDS} if result else {}
        if result:
            values["outcome"] = result.outcome.value
        form = ResultForm(formdata=None, data=values, prefix=prefix)
        form.version.data = result.version if result else ""
    form.cor_category.choices = [SelectChoice("", "—")] + [SelectChoice(code, name) for code, name
                                                              in services.cor_categories(round_)]
    return form


def _render_round(round_: Round, *, call_form=None, requirements_form=None, result_forms=None):
    listed = services.nominees(round_)
    results = {n.entry.id: n.entry.asean_result for n in listed}
    forms = {n.entry.id: _result_form(round_, results[n.entry.id], prefix=f"r{n.entry.id}") for n in listed}
    forms.update(result_forms or {})
    can_manage = can_manage_asean(current_user, round_)
    return render_template(
        "asean/round.html", round=round_, call=services.call_of(round_), nominees=listed,
        supplements=services.supplements_of(round_), check=services.package_check(round_), results=results,
        categories=services.category_names(round_), tiers={t.code: t for t in round_.tiers},
        call_form=call_form or _call_form(round_), requirements_form=requirements_form or _requirements_form(round_),
        result_forms=forms, can_manage=can_manage, action_form=ActionForm(),
        latest_package=jobs.latest("asean_package", round_id=round_.id, user=current_user) if can_manage else None)


@bp.route("/round/<int:round_id>")
@login_required
def round_page(round_id: int):
    return _render_round(_round_or_404(round_id, can_view_asean))


@bp.route("/round/<int:round_id>/settings", methods=["POST"])
@login_required
def settings(round_id: int):
    round_ = _round_or_404(round_id, can_manage_asean)
    form = _call_form(round_, request.form)
    if form.validate_on_submit():
        values = {k: form[k].data for k in services.CALL_FIELDS}
        try:
            services.save_call(round_, values, version=sent_version(form.version.data), actor=_actor())
        except DomainError as refused:  # the form comes back as typed, with the reason
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("The settings of the package to ASEAN are saved."), "success")
            return redirect(url_for("asean.round_page", round_id=round_.id))
    return _render_round(round_, call_form=form)


@bp.route("/round/<int:round_id>/requirements", methods=["POST"])
@login_required
def requirements(round_id: int):
    round_ = _round_or_404(round_id, can_manage_asean)
    call = services.call_of(round_)
    if call is None:
        abort(404)
    form = _requirements_form(round_, request.form)
    if form.validate_on_submit():
        rows = {whole_number(row.data["id"]): {k: row.data[k] for k in ("name_vi", "name_en", "required",
                                                                        "min_count", "max_count")}
                for row in form.requirements.entries}
        try:
            services.update_requirements(call, rows, version=sent_version(form.version.data), actor=_actor())
        except DomainError as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("asean.round_page", round_id=round_.id) + "#requirements")
    return _render_round(round_, requirements_form=form)


@bp.route("/round/<int:round_id>/request", methods=["POST"])
@login_required
def request_supplements(round_id: int):
    round_ = _round_or_404(round_id, can_manage_asean)
    made = services.request_supplements(round_, actor=_actor())
    db.session.commit()
    flash(_("%(n)d nominees are asked for their supplement.", n=len(made)), "success")
    return redirect(url_for("asean.round_page", round_id=round_.id))


@bp.route("/round/<int:round_id>/package", methods=["POST"])
@login_required
def package(round_id: int):
    """The ZIP for ASEAN, built by a job whose progress the secretariat follows; refused while the checklist
    has gaps."""
    round_ = _round_or_404(round_id, can_manage_asean)
    if not services.package_check(round_).ready:
        flash(str(services.PackageRefused.default_message), "error")
        return redirect(url_for("asean.round_page", round_id=round_.id) + "#checklist")
    job = jobs.create("asean_package", round_id=round_.id, actor=_actor())
    jobs.start(job)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/entries/<int:entry_id>/result", methods=["POST"])
@login_required
def record_result(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    round_ = _round_or_404(entry.nomination.round_id, can_manage_asean)
    form = _result_form(round_, None, request.form, prefix=f"r{entry.id}")
    if form.validate_on_submit():
        values = {k: form[k].data for k in services.RESULT_FIELDS}
        try:
            services.record_result(entry, values, version=sent_version(form.version.data), actor=_actor())
        except DomainError as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("ASEAN's result for %(name)s is recorded.", name=entry.nomination.display_name), "success")
            return redirect(url_for("asean.round_page", round_id=round_.id) + f"#entry-{entry.id}")
    return _render_round(round_, result_forms={entry.id: form})


# -- a nominee's supplement -----------------------------------------------------------------------------

def _supplement_form(supplement: AseanSupplement, formdata=None):
    fields = services.english_fields(supplement)
    form_class = supplement_form_class(fields)
    if formdata is not None:
        return fields, form_class(formdata=formdata)
    form = form_class(formdata=None, data=dict(supplement.english or {}))
    form.version.data = supplement.version
    return fields, form


def _document_form(supplement: AseanSupplement) -> DocumentForm:
    form = DocumentForm()
    form.requirement_id.choices = [SelectChoice(str(r.id), localized(r, "name"))
                                   for r in supplement.call.requirements]
    return form


def _render_supplement(supplement: AseanSupplement, fields, form):
    return render_template("asean/supplement.html", supplement=supplement, fields=fields, form=form,
                           nomination=supplement.nomination, needs=services.requirement_needs(supplement),
                           requirements=supplement.call.requirements, gaps=services.supplement_gaps(supplement),
                           document_form=_document_form(supplement),
                           can_change=can_change_supplement(current_user, supplement),
                           can_send=can_send_supplement(current_user, supplement), action_form=ActionForm(),
                           staff=can_list_rounds(current_user))


@bp.route("/supplements/<int:asean_supplement_id>", methods=["GET", "POST"])
@login_required
def supplement(asean_supplement_id: int):
    supplement = _supplement_or_404(asean_supplement_id, can_view_supplement)
    if request.method == "GET":
        return _render_supplement(supplement, *_supplement_form(supplement))
    if not can_change_supplement(current_user, supplement):
        abort(404)
    fields, form = _supplement_form(supplement, request.form)
    if form.validate_on_submit():
        try:
            services.save_english(supplement, {f.key: form[f.key].data for f in fields},
                                  version=sent_version(form.version.data), actor=_actor())
        except StaleEdit as stale:  # the text typed stays on the page, the newer one is not overwritten
            db.session.rollback()
            flash(str(stale.message), "error")
            return _render_supplement(db.session.get(AseanSupplement, asean_supplement_id), fields, form)
        db.session.commit()
        flash(_("The English texts are saved."), "success")
        return redirect(url_for("asean.supplement", asean_supplement_id=supplement.id))
    return _render_supplement(supplement, fields, form)


@bp.route("/supplements/<int:asean_supplement_id>/documents", methods=["POST"])
@login_required
def upload(asean_supplement_id: int):
    supplement = _supplement_or_404(asean_supplement_id, can_change_supplement)
    form = _document_form(supplement)
    form.validate()
    requirement = next((r for r in supplement.call.requirements if str(r.id) == form.requirement_id.data), None)
    if requirement is None or not form.file.data:
        flash(_("Choose the document and a file to upload."), "error")
    else:
        try:
            services.add_document(supplement, requirement, form.file.data.stream, form.file.data.filename or "",
                                  form.author.data or "", actor=_actor())
        except DomainError as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("The file is uploaded."), "success")
    return redirect(url_for("asean.supplement", asean_supplement_id=supplement.id) + "#documents")


def _document_or_404(supplement: AseanSupplement, document_id: int) -> AseanDocument:
    document = next((d for d in supplement.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return document


@bp.route("/supplements/<int:asean_supplement_id>/documents/<int:asean_document_id>/delete", methods=["POST"])
@login_required
def delete_document(asean_supplement_id: int, asean_document_id: int):
    supplement = _supplement_or_404(asean_supplement_id, can_change_supplement)
    services.remove_document(_document_or_404(supplement, asean_document_id), actor=_actor())
    db.session.commit()
    flash(_("The file is removed."), "success")
    return redirect(url_for("asean.supplement", asean_supplement_id=supplement.id) + "#documents")


@bp.route("/supplements/<int:asean_supplement_id>/documents/<int:asean_document_id>")
@login_required
def download(asean_supplement_id: int, asean_document_id: int):
    """Always an attachment under a server-made name, as dossier files are."""
    supplement = _supplement_or_404(asean_supplement_id, can_view_supplement)
    document = _document_or_404(supplement, asean_document_id)
    name = f"{supplement.nomination.reference}_asean-{document.requirement.code.replace('_', '-')}_{document.id}"
    return current_storage().send(content_key(document.sha256), mimetype=MIMETYPES[document.kind.value],
                                  download_name=f"{name}.{document.extension}")


@bp.route("/supplements/<int:asean_supplement_id>/send", methods=["POST"])
@login_required
def send(asean_supplement_id: int):
    supplement = _supplement_or_404(asean_supplement_id, can_send_supplement)
    services.send_supplement(supplement, actor=_actor())
    db.session.commit()
    flash(_("The supplement is sent to the secretariat."), "success")
    return redirect(url_for("asean.supplement", asean_supplement_id=supplement.id))


@bp.route("/supplements/<int:asean_supplement_id>/form.pdf")
@login_required
def form_pdf(asean_supplement_id: int):
    """The nomination form in English as it will go to ASEAN, to read before the package is made."""
    supplement = _supplement_or_404(asean_supplement_id, can_view_supplement)
    nomination = supplement.nomination
    listed = [n for n in services.nominees(nomination.round) if n.entry.nomination_id == nomination.id]
    attached = [services.FORM_NAME] + [name for name, _key, _code in services.nominee_files(supplement)]
    values = services.documents.form_values(supplement, services.decision_of(nomination.round), listed, attached)
    body = services.documents.render_pdf("form.html", **values)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{nomination.reference}_asean-form.pdf"'
    return response
