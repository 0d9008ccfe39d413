"""Step-up: an irreversible act (approve, publish, revoke, reopen a score sheet, change roles, reset someone's
second factor) asks for the second factor again when this session last passed it more than STEP_UP_MINUTES ago.
One helper, called by each such view: the refused form comes back with every field kept, plus a code box."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from award_app.accounts import second_factor
from award_app.accounts.forms import StepUpForm
from award_app.accounts.models import User
from award_app.accounts.second_factor import Method, Purpose
from award_app.extensions import db

STEP_UP_FIELDS = frozenset({"csrf_token", "step_up_code", "step_up_recovery_code"})


def try_code(user: User, method: Method, code: str, purpose: Purpose) -> tuple[str | None, int]:
    """(None, 200) when the code passed (committed); else the message to show and the answer's status."""
    if second_factor.too_many_failures(user):
        return _("Too many wrong codes for this account in a short time. Wait a few minutes, then try again with "
                 "the code your app shows then."), 429
    passed = second_factor.attempt(user, method, code, purpose)
    db.session.commit()
    if passed:
        return None, 200
    if method is Method.TOTP:
        return _("This code is not right, or it was already used. Type the code your app shows now."), 200
    return _("This recovery code is not right, or it was already used."), 200


def step_up():
    """None when this session passed the second factor within STEP_UP_MINUTES, or when the form carries a code
    that passes it now (the act then goes on in the same request). Otherwise the answer to return: a page that
    asks for a code and sends the refused form again with it, every field kept.

    Call it from a POST view after the permission check (a refusal stays a 404) and before the act."""
    user = current_user._get_current_object()
    if second_factor.passed_recently(user):
        return None
    if not user.has_second_factor:  # no role that allows these acts goes without one: enrolment first
        flash(_("Set up the second sign-in step first: this action asks for it."), "error")
        return redirect(url_for("second_factor.enrol"))
    problem, status = None, 401
    code, recovery_code = request.form.get("step_up_code", ""), request.form.get("step_up_recovery_code", "")
    if code.strip() or recovery_code.strip():
        method = Method.TOTP if code.strip() else Method.RECOVERY_CODE
        problem, status = try_code(user, method, code if code.strip() else recovery_code, Purpose.STEP_UP)
        if problem is None:
            return None
    kept = [(key, value) for key, value in request.form.items(multi=True) if key not in STEP_UP_FIELDS]
    return render_template("accounts/second_factor_step_up.html", form=StepUpForm(formdata=None), kept=kept,
                           action=request.full_path.rstrip("?"), problem=problem,
                           minutes=current_app.config["STEP_UP_MINUTES"]), 429 if status == 429 else 401
