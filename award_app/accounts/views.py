import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from award_app.accounts import services, sessions, throttle
from award_app.accounts.forms import (
    ROLE_LABELS,
    AccountEditForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    RegistrationForm,
    ResetForm,
    ResetRequestForm,
    StaffAccountForm,
)
from award_app.accounts.models import ApplicantKind, Role, SessionEnd, User, UserSession
from award_app.accounts.permissions import can_manage_accounts, can_register_as_applicant
from award_app.accounts.step_up import step_up
from award_app.audit.services import record, record_at_most
from award_app.clock import utcnow
from award_app.errors import DomainError, wants_json
from award_app.extensions import db, limiter
from award_app.formfields import ActionForm
from award_app.i18n import show_wait
from award_app.notifications import services as notifications
from award_app.rounds.models import Programme, Province
from award_app.rounds.services import provinces_valid_on
from award_app.text import person_sort_key

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.app_template_global()
def role_names(user) -> list[str]:
    """Global roles, then the scoped ones (juror, chair, endorser), in the user's language."""
    names = [str(ROLE_LABELS[role]) for role in Role if role in user.roles]
    if user.endorser_scopes:
        names.append(_("Endorser"))
    memberships = [m for m in user.council_memberships if not m.withdrawn_at]
    if any(m.is_chair for m in memberships):
        names.append(_("Council chair"))
    elif memberships:
        names.append(_("Juror"))
    return names


@bp.app_template_global()
def session_idle_seconds(user) -> int:
    """How long the signed-in user's pages may stay quiet before the session ends (session.js warns)."""
    return int(sessions.idle_limit(user).total_seconds())


MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None, default: str) -> str:
    """Follow only local paths after sign-in: "/rounds/3", never "//evil.example" or "https://…"."""
    if not target:
        return default
    if len(target) > MAX_NEXT_LENGTH or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default  # a control character (CR, LF, tab) in a Location header is a 500, or a header injection
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Each try is taken from the throttle before its password is checked (accounts.throttle)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.take_sign_in_attempt(form.email.data)
        if attempt.refusal is not None:
            return _sign_in_refused(form, attempt.refusal)
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # the failure's audit event
        else:
            attempt.succeeded()
            sessions.sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.home")))
        flash(_("The e-mail or the password is not right."), "error")
    return render_template("accounts/login.html", form=form)


def _sign_in_refused(form: LoginForm, refusal: throttle.Refusal):
    """429 with Retry-After and the form (the address kept, never the password), saying when to try again."""
    services.record_sign_in_throttled(form.email.data, reason=refusal.reason, wait=refusal.wait)
    db.session.commit()
    when = show_wait(refusal.wait)
    if refusal.reason == throttle.ADDRESS:
        flash(_("Too many failed sign-ins came from your network just now. Try again %(when)s.", when=when), "error")
    else:
        flash(_("Too many failed sign-ins for this account from here. Try again %(when)s, or choose “Forgot your "
                "password?” to set a new one by e-mail.", when=when), "error")
    response = make_response(render_template("accounts/login.html", form=form), 429)
    response.headers["Retry-After"] = str(refusal.wait)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends the session on the server: a copy of the cookie no longer signs anyone in, on any server.
    CSRFProtect has already refused a POST without a valid token."""
    sessions.end(current_user.session_record, SessionEnd.SIGNED_OUT)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


def _province_choices():
    provinces = provinces_valid_on(utcnow().date())
    return [SelectChoice("", _("— choose —"))] + [SelectChoice(p.id, p.name) for p in provinces]


def _registration_limits() -> str:
    return current_app.config["REGISTRATION_RATE_LIMITS"]


def _registration_email_limits() -> str:
    return current_app.config["REGISTRATION_EMAIL_RATE_LIMITS"]


def _typed_email() -> str:
    """The address a form names, as accounts are looked up by it (Flask-Limiter's key for per-address limits)."""
    return "email|" + (request.form.get("email") or "").strip().lower()[:254]


def _registration_refused(message: str):
    """429 with the form as typed (a password is never sent back) and what to do, in the user's language."""
    form = RegistrationForm()
    form.province_id.choices = _province_choices()
    flash(message, "error")
    return make_response(render_template("accounts/register.html", form=form), 429)


def _too_many_registrations(limit):
    return _registration_refused(_(
        "Too many accounts were registered from your network just now. What you typed is kept: try again "
        "%(when)s, type the password again and press “Create my account”.", when=show_wait(_seconds_left(limit))))


def _too_many_for_this_email(limit):
    """Counted per address typed, whether or not it has an account: the refusal tells nothing about it. It keeps
    the owner of an address from being sent e-mail after e-mail."""
    return _registration_refused(_(
        "This e-mail address was given for registration several times just now. What you typed is kept: try "
        "again %(when)s, or sign in if the account is already yours.", when=show_wait(_seconds_left(limit))))


def _seconds_left(limit) -> int:
    return max(1, int(limit.reset_at - time.time()))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_registration_limits, methods=["POST"], on_breach=_too_many_registrations)
@limiter.limit(_registration_email_limits, key_func=_typed_email, methods=["POST"],
               on_breach=_too_many_for_this_email)
def register():
    """Registrations are throttled per client address (each one hashes a password with scrypt) and per e-mail
    address typed (each one sends that address a message)."""
    if not can_register_as_applicant(current_user):
        return redirect(url_for("dashboard.home"))
    form = RegistrationForm()
    form.province_id.choices = _province_choices()
    if form.validate_on_submit():
        try:
            user = services.register_applicant(
                email=form.email.data, password=form.password.data, full_name=form.full_name.data,
                applicant_kind=ApplicantKind(form.applicant_kind.data), organisation=form.organisation.data or "",
                phone=form.phone.data or "", province_id=form.province_id.data or None,
                locale=str(get_locale()), notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            )
        except services.EmailTaken:
            _tell_owner_of_registration_attempt(services.find_user_by_email(form.email.data))
        else:
            _welcome(user)
        db.session.commit()
        flash(_("Thank you. A message about your registration is on its way to the address you gave. "
                "Sign in with that address and the password you chose."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


# A registration answers the same whether the address is new or already has an account (the password was
# hashed in both cases): the page never tells whether someone has an account. Each case sends one e-mail.

def _welcome(user: User) -> None:
    """The new account's e-mail carries the link that confirms its address."""
    notifications.queue(user, "account_registered", sign_in=notifications.link("accounts.login"),
                        confirm=_confirmation_link(user), hours=current_app.config["EMAIL_CONFIRMATION_HOURS"])


def _confirmation_link(user: User) -> str:
    return notifications.link("accounts.confirm_email", token=services.confirmation_token(user))


def _tell_owner_of_registration_attempt(owner: User) -> None:
    """Nothing of the account changes; its owner learns that someone tried, and how to get back in."""
    notifications.queue(owner, "registration_attempt", sign_in=notifications.link("accounts.login"),
                        reset=notifications.link("accounts.reset_request"))
    record("account.registration_attempted", owner, actor=None)


@bp.route("/privacy")
def privacy():
    return render_template("accounts/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"])


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    form.account = current_user._get_current_object()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            services.change_password(user, form.password.data, keep=user.session_record)  # the others end
            db.session.commit()
            flash(_("Your password is changed. Other sessions have been signed out."), "success")
            return redirect(url_for("dashboard.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    back = safe_next(form.next.data, url_for("dashboard.home"))
    if not form.validate_on_submit():
        return redirect(back)
    response = redirect(back)
    if current_user.is_authenticated:
        services.set_locale(current_user._get_current_object(), form.lang.data)
        db.session.commit()
    response.set_cookie("lang", form.lang.data, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


# -- administration of accounts -------------------------------------------------------------

def _require_admin():
    if not can_manage_accounts(current_user):
        abort(404)


@bp.route("/admin/")
@login_required
def admin_list():
    _require_admin()
    users = db.session.scalars(select(User).options(selectinload(User.endorser_scopes))).all()
    users.sort(key=lambda u: person_sort_key(u.full_name))
    return render_template("accounts/admin_list.html", users=users)


@bp.route("/admin/new", methods=["GET", "POST"])
@login_required
def admin_new():
    _require_admin()
    form = StaffAccountForm()
    if form.validate_on_submit():
        if (asked := step_up()) is not None:
            return asked
        try:
            user = services.create_staff_account(
                email=form.email.data, password=form.password.data, full_name=form.full_name.data,
                organisation=form.organisation.data or "", roles={Role(r) for r in form.roles.data},
            )
        except services.EmailTaken:
            form.email.errors.append(_("An account with this e-mail already exists."))
        else:
            db.session.commit()
            flash(_("The account of %(name)s is created.", name=user.full_name), "success")
            return redirect(url_for("accounts.admin_edit", user_id=user.id))
    return render_template("accounts/admin_new.html", form=form)


def _scope_choices():
    provinces = provinces_valid_on(utcnow().date())
    programmes = db.session.scalars(select(Programme).order_by(Programme.position)).all()
    return [SelectChoice(f"{p.id}|{g.code}", p.name) for g in programmes for p in provinces]


@bp.route("/admin/<int:user_id>", methods=["GET", "POST"])
@login_required
def admin_edit(user_id: int):
    _require_admin()
    user = db.get_or_404(User, user_id)
    form = AccountEditForm()
    form.endorser_scopes.choices = _scope_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.endorser_scopes.data = [f"{s.province_id}|{s.programme_code}" for s in user.endorser_scopes]
        form.active.data = user.is_active_account
    if form.validate_on_submit():
        if (asked := step_up()) is not None:
            return asked
        scopes = {(province, programme) for province, programme in
                  (value.split("|", 1) for value in form.endorser_scopes.data)}
        try:
            services.update_account(user, {Role(r) for r in form.roles.data}, scopes, form.active.data,
                                    actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.admin_edit", user_id=user.id))
    provinces = {p.id: p for p in db.session.scalars(select(Province))}
    programmes = db.session.scalars(select(Programme).order_by(Programme.position)).all()
    ticked_counts: dict[str, int] = {}
    for value in form.endorser_scopes.data or []:
        code = value.rsplit("|", 1)[-1]
        ticked_counts[code] = ticked_counts.get(code, 0) + 1
    return render_template("accounts/admin_edit.html", form=form, user=user, provinces=provinces,
                           programmes=programmes, ticked_counts=ticked_counts)


# -- password reset -----------------------------------------------------------------------------

def _reset_limits() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMITS"]


def _reset_email_limits() -> str:
    return current_app.config["PASSWORD_RESET_EMAIL_RATE_LIMITS"]


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limits, methods=["POST"])
@limiter.limit(_reset_email_limits, key_func=_typed_email, methods=["POST"])
def reset_request():
    """The same answer whether or not the e-mail has an account. Throttled per client address and per e-mail
    address typed (counted alike for an address with no account)."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            notifications.queue(user, "password_reset", hours=current_app.config["PASSWORD_RESET_HOURS"],
                                link=notifications.link("accounts.reset", token=services.reset_token(user)))
            record("account.reset_requested", user, actor=None)
        else:
            _work_of_a_reset_e_mail(form.email.data)
        db.session.commit()
        flash(_("If an account has this e-mail, a link to choose a new password is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


def _work_of_a_reset_e_mail(email: str) -> None:
    """For an address with no (active) account, the same work as a reset e-mail: a token signed, the message
    rendered (then dropped), a row written (at most a few an hour per client address): the answer does not
    come measurably sooner than for an account."""
    link = notifications.link("accounts.reset", token=services.unused_reset_token())
    render_template("notifications/password_reset.txt", user=User(full_name=""), link=link,
                    hours=current_app.config["PASSWORD_RESET_HOURS"])
    record_at_most(services.UNKNOWN_SIGN_INS_PER_HOUR, timedelta(hours=1), "account.reset_requested_unknown",
                   same={"email": email.strip().lower()[:254]})


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """An e-mailed link that expires and works once: it is bound to the password it replaces."""
    user = services.user_from_reset_token(token, max_age=current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    form.account = user
    if form.validate_on_submit():
        services.change_password(user, form.password.data, actor=user, reason=SessionEnd.PASSWORD_RESET)
        record("account.password_reset", user, actor=user)
        services.confirm_email(user, via="password_reset")  # the link came through the address's mailbox
        sessions.sign_in(user)
        db.session.commit()
        flash(_("Your new password is set. Other sessions have been signed out."), "success")
        return redirect(url_for("dashboard.home"))
    return render_template("accounts/reset.html", form=form)



# -- e-mail ownership ----------------------------------------------------------------------------------

@bp.route("/email")
@login_required
def email():
    """The account's address, whether it is confirmed, and a button to send the confirmation link again."""
    return render_template("accounts/email.html", form=ActionForm(),
                           hours=current_app.config["EMAIL_CONFIRMATION_HOURS"])


def _resend_limits() -> str:
    return current_app.config["EMAIL_CONFIRMATION_RESEND_LIMITS"]


def _signed_in_account() -> str:
    return f"user|{getattr(current_user, 'id', None)}"


def _too_many_confirmation_links(limit):
    flash(_("Several links were sent just now: open the latest one in your mailbox (and look in the spam folder), "
            "or ask again %(when)s.", when=show_wait(_seconds_left(limit))), "error")
    return make_response(render_template("accounts/email.html", form=ActionForm(),
                                         hours=current_app.config["EMAIL_CONFIRMATION_HOURS"]), 429)


@bp.route("/email/confirmation", methods=["POST"])
@login_required
@limiter.limit(_resend_limits, key_func=_signed_in_account, on_breach=_too_many_confirmation_links)
def resend_confirmation():
    """Throttled per account: each press sends an e-mail."""
    user = current_user._get_current_object()
    if user.email_confirmed:
        flash(_("Your e-mail address is already confirmed."), "info")
        return redirect(url_for("accounts.email"))
    notifications.queue(user, "email_confirmation", confirm=_confirmation_link(user),
                        hours=current_app.config["EMAIL_CONFIRMATION_HOURS"])
    record("account.confirmation_resent", user, actor=user)
    db.session.commit()
    flash(_("A new link is on its way to %(email)s. Open it to confirm the address.", email=user.email), "success")
    return redirect(url_for("accounts.email"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """An e-mailed link that expires and works once. Opening it shows a button (a mail scanner that follows
    links confirms nothing); pressing it confirms the address. It never signs anyone in."""
    user = services.user_from_confirmation_token(
        token, max_age=current_app.config["EMAIL_CONFIRMATION_HOURS"] * 3600)
    form = ActionForm()
    if user is None:
        flash(_("This confirmation link has expired or was already used. If your address is not confirmed yet, "
                "sign in and ask for a new link on the page “E-mail address”."), "error")
        return redirect(url_for("accounts.email") if current_user.is_authenticated else url_for("accounts.login"))
    if form.validate_on_submit():
        if services.confirm_email(user, via="link"):
            db.session.commit()
            flash(_("Thank you: your e-mail address is confirmed. You can now submit your dossiers."), "success")
        else:
            flash(_("This confirmation link has expired or was already used. If your address is not confirmed "
                    "yet, sign in and ask for a new link on the page “E-mail address”."), "error")
        return redirect(url_for("dashboard.home") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", form=form, address=user.email)


# -- the user's own sessions ------------------------------------------------------------------------

@bp.route("/sessions")
@login_required
def my_sessions():
    """Every browser signed in to this account, with its device, address, start and last visit."""
    user = current_user._get_current_object()
    now = utcnow()
    rows = [s for s in sessions.open_sessions(user) if sessions.timed_out(s, user, now) is None]
    return render_template("accounts/sessions.html", rows=rows, this_session=user.session_record,
                           describe=sessions.describe_device, form=ActionForm(),
                           idle_minutes=int(sessions.idle_limit(user).total_seconds()) // 60,
                           lifetime_hours=current_app.config["SESSION_LIFETIME_HOURS"])


def _own_open_session(session_id: int) -> UserSession:
    """Another user's session, or one already ended, is not found (404)."""
    found = db.session.get(UserSession, session_id)
    if found is None or found.user_id != current_user.id or found.ended_at is not None:
        abort(404)
    return found


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    target = _own_open_session(session_id)
    user = current_user._get_current_object()
    if target is user.session_record:
        sessions.end(target, SessionEnd.SIGNED_OUT)
        db.session.commit()
        logout_user()
        flash(_("You have signed out."), "info")
        return redirect(url_for("accounts.login"))
    sessions.end(target, SessionEnd.ENDED_BY_USER)
    db.session.commit()
    flash(_("That session is ended: the device it was on is signed out."), "success")
    return redirect(url_for("accounts.my_sessions"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    user = current_user._get_current_object()
    ended = sessions.end_all(user, SessionEnd.ENDED_BY_USER, keep=user.session_record)
    db.session.commit()
    flash(_("%(count)d other session(s) ended.", count=ended), "success")
    return redirect(url_for("accounts.my_sessions"))


@bp.route("/sessions/alive")
@login_required
def session_alive():
    """Asked by a page's script when the user chooses to stay signed in: the visit itself keeps the
    session alive. Answers how long the session may now stay idle."""
    user = current_user._get_current_object()
    return jsonify(ok=True, idle_seconds=int(sessions.idle_limit(user).total_seconds()))


def unauthorized():
    """No open session (never signed in, signed out, or ended by a timeout or from another device). A page
    is sent to sign in and back. A background save (it asks for JSON) gets 401 and keeps its text on the
    page. A form sent after the session ended under it comes back with everything typed (files excepted), to
    be sent again once signed in: CSRFProtect has already checked that it came from this browser's own
    page, so only the user's own input is ever shown back."""
    db.session.commit()  # a session end the loader recorded in this POST's transaction
    if wants_json():
        return jsonify(ok=False, stale=False, signed_out=True, errors={}, message=_(
            "Not saved: you were signed out (the session ended after a time without activity, or elsewhere). "
            "Your text stays here. Sign in again in another tab; saving resumes by itself.")), 401
    if request.method == "POST" and session.get("_user_id"):  # signed in before, until the session ended
        kept = [(key, value) for key, value in request.form.items(multi=True) if key != "csrf_token"]
        return render_template("accounts/signed_out.html", kept=kept, action=request.path), 401
    flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
