"""The second factor's pages and the gate that holds a half-signed-in session to them (rules and storage:
award_app.accounts.second_factor; the step-up before an irreversible act: award_app.accounts.step_up).

Sign-in stays the password page (accounts.login); once the password is accepted the session exists but is "half
signed in" until its second factor is passed, or enrolled where the account's roles require one: every request
but those of OPEN_ENDPOINTS is sent to this blueprint's pages."""

import segno
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from award_app.accounts import second_factor
from award_app.accounts.forms import CodeForm, RecoveryCodeForm, StepUpForm
from award_app.accounts.models import User
from award_app.accounts.permissions import can_manage_accounts
from award_app.accounts.second_factor import Method, Pending, Purpose
from award_app.accounts.step_up import step_up, try_code
from award_app.accounts.views import safe_next
from award_app.errors import wants_json
from award_app.extensions import db
from award_app.formfields import ActionForm
from award_app.notifications import services as notifications

bp = Blueprint("second_factor", __name__, url_prefix="/accounts/second-factor")

# What a half-signed-in session may still reach: these pages, signing out, the language switch, static files.
OPEN_ENDPOINTS = frozenset({"second_factor.verify", "second_factor.recovery", "second_factor.enrol", "accounts.logout",
                            "accounts.language", "static", "dashboard.healthz"})
# The secret being enrolled, sealed, in this browser's session cookie until a code confirms it.
ENROLMENT_KEY = "second_factor_enrolment"


@bp.before_app_request
def _hold_half_signed_in_sessions():
    """A session that gave the password but not yet the second factor reaches nothing else."""
    if request.endpoint is None or request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
        return None
    owed = second_factor.pending(current_user)
    if owed is None:
        return None
    if wants_json():
        return jsonify(ok=False, stale=False, errors={}, signed_out=True, message=_(
            "Not saved: this session has not passed the second sign-in step yet. Your text stays here.")), 401
    target = "second_factor.enrol" if owed is Pending.ENROL else "second_factor.verify"
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for(target, next=back))


@bp.app_template_global()
def half_signed_in() -> bool:
    return current_user.is_authenticated and second_factor.pending(current_user) is not None


def _back() -> str:
    return safe_next(request.args.get("next"), url_for("dashboard.home"))


# -- signing in: the code after the password ------------------------------------------------------------------

def _owed_elsewhere(user: User):
    """A session with nothing to verify goes on; one that must enrol goes there."""
    owed = second_factor.pending(user)
    if owed is None:
        return redirect(_back())
    if owed is Pending.ENROL:
        return redirect(url_for(".enrol", next=request.args.get("next")))
    return None


@bp.route("/", methods=["GET", "POST"])
@login_required
def verify():
    user = current_user._get_current_object()
    if (elsewhere := _owed_elsewhere(user)) is not None:
        return elsewhere
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        problem, status = try_code(user, Method.TOTP, form.code.data, Purpose.SIGN_IN)
        if problem is None:
            return redirect(_back())
        form.code.errors.append(problem)
        form.code.data = ""  # the next code is typed afresh
    return render_template("accounts/second_factor_verify.html", form=form), status


@bp.route("/recovery", methods=["GET", "POST"])
@login_required
def recovery():
    user = current_user._get_current_object()
    if (elsewhere := _owed_elsewhere(user)) is not None:
        return elsewhere
    form, status = RecoveryCodeForm(), 200
    if form.validate_on_submit():
        problem, status = try_code(user, Method.RECOVERY_CODE, form.code.data, Purpose.SIGN_IN)
        if problem is None:
            flash(_("You signed in with a recovery code; %(left)d are left. If your phone is lost, set up the app "
                    "again and make new codes under “Two-step sign-in”.",
                    left=second_factor.recovery_codes_left(user)), "info")
            return redirect(_back())
        form.code.errors.append(problem)
    return render_template("accounts/second_factor_recovery.html", form=form), status


# -- enrolment ------------------------------------------------------------------------------------------------

def _secret_being_enrolled() -> str:
    """The secret this browser was shown, or a new one (the QR code stays the same when the page reloads)."""
    secret = second_factor.unseal(session.get(ENROLMENT_KEY), ttl=second_factor.ENROLMENT_SECONDS)
    if secret is None:
        secret = second_factor.new_secret()
        session[ENROLMENT_KEY] = second_factor.seal(secret)
    return secret


def _qr_code(uri: str) -> str:
    """An SVG image in a data: address: drawn here, nothing fetched from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


@bp.route("/enrol", methods=["GET", "POST"])
@login_required
def enrol():
    user = current_user._get_current_object()
    owed = second_factor.pending(user)
    if owed is Pending.VERIFY:
        return redirect(url_for(".verify", next=request.args.get("next")))
    if owed is None and user.has_second_factor and not second_factor.passed_recently(user):
        return redirect(url_for(".confirm", next=request.full_path.rstrip("?")))  # replacing the app: step-up
    secret = _secret_being_enrolled()
    form = CodeForm()
    if form.validate_on_submit():
        codes = second_factor.enrol(user, secret, form.code.data)
        db.session.commit()
        if codes is not None:
            session.pop(ENROLMENT_KEY, None)
            return render_template("accounts/second_factor_codes.html", codes=codes, back=_back(), enrolled=True)
        form.code.errors.append(_("This code is not right. Type the 6 digits the app shows now for this account."))
        form.code.data = ""
    return render_template("accounts/second_factor_enrol.html", form=form, required=owed is Pending.ENROL,
                           qr_code=_qr_code(second_factor.provisioning_uri(user, secret)),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


# -- step-up for a page rather than a form ---------------------------------------------------------------------

@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    """The step-up for a page rather than a form (setting up a new app): a code, then back to the page."""
    user = current_user._get_current_object()
    if second_factor.passed_recently(user) or not user.has_second_factor:
        return redirect(_back())
    if request.method == "POST" and (answer := step_up()) is not None:
        return answer
    if request.method == "POST":
        return redirect(_back())
    return render_template("accounts/second_factor_step_up.html", form=StepUpForm(formdata=None), kept=[],
                           action=request.full_path.rstrip("?"), problem=None,
                           minutes=current_app.config["STEP_UP_MINUTES"])


# -- the user's own page ------------------------------------------------------------------------------------------

@bp.route("/settings")
@login_required
def settings():
    user = current_user._get_current_object()
    return render_template("accounts/second_factor_settings.html", user=user, form=ActionForm(),
                           required=second_factor.required_for(user),
                           codes_left=second_factor.recovery_codes_left(user) if user.has_second_factor else 0)


@bp.route("/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    """New codes replace the old ones, which stop working; shown once, on this answer."""
    user = current_user._get_current_object()
    if not user.has_second_factor:
        abort(404)
    if (answer := step_up()) is not None:
        return answer
    codes, hashes = second_factor.new_recovery_codes()
    second_factor.replace_recovery_codes(user, hashes)
    db.session.commit()
    return render_template("accounts/second_factor_codes.html", codes=codes, back=url_for(".settings"),
                           enrolled=False)


@bp.route("/off", methods=["POST"])
@login_required
def turn_off():
    """Only for an account whose roles do not require a second factor (an applicant's)."""
    user = current_user._get_current_object()
    if not user.has_second_factor or second_factor.required_for(user):
        abort(404)
    if (answer := step_up()) is not None:
        return answer
    second_factor.turn_off(user)
    db.session.commit()
    flash(_("The second sign-in step is turned off: your password alone signs you in."), "info")
    return redirect(url_for(".settings"))


@bp.route("/admin/<int:user_id>/reset", methods=["POST"])
@login_required
def admin_reset(user_id: int):
    """For a lost phone: the user sets up the app again at the next sign-in, and is told by e-mail."""
    if not can_manage_accounts(current_user):
        abort(404)
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Your own second sign-in step is changed under “Two-step sign-in”, not here."), "error")
        return redirect(url_for("accounts.admin_edit", user_id=user.id))
    if (answer := step_up()) is not None:
        return answer
    second_factor.reset(user, actor=current_user._get_current_object())
    notifications.queue(user, "second_factor_reset", sign_in=notifications.link("accounts.login"))
    db.session.commit()
    flash(_("The second sign-in step of %(name)s is reset and their sessions are ended; they set up the app again "
            "at their next sign-in. They are told by e-mail.", name=user.full_name), "success")
    return redirect(url_for("accounts.admin_edit", user_id=user.id))
