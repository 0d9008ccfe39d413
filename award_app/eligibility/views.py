from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from award_app.clock import today_in_vietnam
from award_app.eligibility import services
from award_app.eligibility.forms import DocumentRequestForm, HonouredNameForm, ScreeningForm
from award_app.eligibility.models import DocumentRequest, ScreeningOutcome
from award_app.eligibility.permissions import can_request_documents, can_screen, can_send_requested_documents
from award_app.extensions import db
from award_app.i18n import localized, show_date
from award_app.nominations.models import Entry, Nomination, NominationState
from award_app.nominations.views import nomination_or_404, nomination_state_name
from award_app.rounds.models import HonouredName, ProgrammeCode, Round
from award_app.rounds.permissions import can_manage_rounds

bp = Blueprint("eligibility", __name__, url_prefix="/screening")


def can_review(user, nomination) -> bool:
    return can_manage_rounds(user)


@bp.route("/round/<int:round_id>")
@login_required
def queue(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if not can_manage_rounds(current_user):
        abort(404)
    nominations = db.session.scalars(select(Nomination).where(
        Nomination.round_id == round_id, Nomination.state.not_in((NominationState.DRAFT, NominationState.WITHDRAWN)))
        .options(selectinload(Nomination.entries).selectinload(Entry.group), selectinload(Nomination.province))
        .order_by(Nomination.reference)).all()
    waiting_states = services.awaiting_screening(round_)
    waiting = [n for n in nominations if n.state in waiting_states]
    decided = [n for n in nominations if n not in waiting]
    requests = {r.nomination_id: r for r in db.session.scalars(select(DocumentRequest).join(Nomination).where(
        Nomination.round_id == round_id, DocumentRequest.fulfilled_at.is_(None)))}
    return render_template("eligibility/queue.html", round=round_, waiting=waiting, decided=decided,
                           requests=requests, today=today_in_vietnam(),
                           screening_open=round_.state in services.SCREENING_ROUND_STATES)


def _request_form(nomination: Nomination) -> DocumentRequestForm:
    form = DocumentRequestForm(prefix="r")
    form.item_ids.choices = [SelectChoice(str(i.id), localized(i, "name")) for i in nomination.round.checklist]
    return form


@bp.route("/nominations/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def decide(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_review)
    form = ScreeningForm()
    if request.method == "POST" and not can_screen(current_user, nomination):
        abort(404)
    if form.validate_on_submit():
        services.screen(nomination, ScreeningOutcome(form.outcome.data), form.reason.data or "",
                        actor=current_user._get_current_object())
        db.session.commit()
        flash(_("%(ref)s is marked %(outcome)s.", ref=nomination.reference,
                outcome=nomination_state_name(nomination.state)), "success")
        return redirect(url_for("eligibility.queue", round_id=nomination.round_id))
    return _render_decide(nomination, form, _request_form(nomination) if request.method == "GET" else None)


def _render_decide(nomination: Nomination, form: ScreeningForm, request_form: DocumentRequestForm | None):
    if request_form is None:
        request_form = DocumentRequestForm(prefix="r", formdata=None)
        request_form.item_ids.choices = [SelectChoice(str(i.id), localized(i, "name"))
                                         for i in nomination.round.checklist]
    return render_template("eligibility/decide.html", nomination=nomination, form=form,
                           can_decide=can_screen(current_user, nomination),
                           can_request=can_request_documents(current_user, nomination),
                           request_form=request_form, open_request=services.open_request(nomination))


@bp.route("/nominations/<int:nomination_id>/request", methods=["POST"])
@login_required
def request_documents(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_request_documents)
    form = _request_form(nomination)
    if not form.validate_on_submit() or not form.item_ids.data:
        if not form.item_ids.data:
            form.item_ids.errors.append(_("Tick the documents the applicant must add."))
        return _render_decide(nomination, ScreeningForm(formdata=None), form)  # the message typed is kept
    document_request = services.request_documents(nomination, [int(i) for i in form.item_ids.data],
                                                  form.message.data, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The applicant is asked for the documents, due %(day)s.", day=show_date(document_request.due_on)),
          "success")
    return redirect(url_for("eligibility.queue", round_id=nomination.round_id))


@bp.route("/nominations/<int:nomination_id>/documents-sent", methods=["POST"])
@login_required
def send_documents(nomination_id: int):
    nomination = nomination_or_404(nomination_id, can_send_requested_documents)
    services.send_requested_documents(nomination, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The documents are sent to the secretariat."), "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id))


@bp.route("/honoured", methods=["GET", "POST"])
@login_required
def honoured():
    """The lists of schools and young people already honoured: similar names are flagged at submission."""
    if not can_manage_rounds(current_user):
        abort(404)
    form = HonouredNameForm()
    if form.validate_on_submit():
        services.add_honoured(ProgrammeCode(form.programme_code.data), form.name.data, form.detail.data or "",
                              form.year.data, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The name is added to the list."), "success")
        return redirect(url_for("eligibility.honoured"))
    names = db.session.scalars(select(HonouredName).order_by(HonouredName.programme_code, HonouredName.name)).all()
    return render_template("eligibility/honoured.html", form=form, names=names)


@bp.route("/honoured/<int:name_id>/delete", methods=["POST"])
@login_required
def delete_honoured(name_id: int):
    if not can_manage_rounds(current_user):
        abort(404)
    services.remove_honoured(db.get_or_404(HonouredName, name_id), actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The name is removed from the list."), "success")
    return redirect(url_for("eligibility.honoured"))
