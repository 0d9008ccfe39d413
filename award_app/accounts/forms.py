from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from award_app.accounts.models import ApplicantKind, Role
from award_app.accounts.services import password_problem
from award_app.formfields import email, equal_to, length, optional, required

APPLICANT_KIND_LABELS = {
    ApplicantKind.SCHOOL: _l("A school (principal or delegate)"),
    ApplicantKind.YOUNG_PERSON: _l("A young person nominating myself"),
    ApplicantKind.YOUTH_NOMINATOR: _l("A nominator of a young person"),
    ApplicantKind.PROVINCE_COMMITTEE: _l("A provincial People's Committee proposing a city"),
}
ROLE_LABELS = {
    Role.APPLICANT: _l("Applicant"),
    Role.SECRETARIAT: _l("Secretariat"),
    Role.APPROVER: _l("Approver"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}


def _person(form) -> tuple[str, str]:
    """The name and address the password must not be built from: typed in the same form (registration, a new
    staff account), or those of `form.account`, the person whose password changes (set by the view)."""
    account = getattr(form, "account", None)
    full_name = form.full_name.data if "full_name" in form else getattr(account, "full_name", "")
    address = form.email.data if "email" in form else getattr(account, "email", "")
    return full_name or "", address or ""


def password_rules():
    """At least 10 characters, not common, not built from the person's name or e-mail (accounts.passwords)."""
    def strong(form, field: Field) -> None:
        full_name, address = _person(form)
        problem = password_problem(field.data or "", full_name=full_name, email=address)
        if problem:
            raise ValidationError(problem)
    return [required(), length(200), strong]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), length(254)])
    password = PasswordField(_l("Password"), validators=[required(), length(200)])


class RegistrationForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[required(), length(200, 2)])
    email = EmailField(_l("E-mail"), validators=[required(), email(), length(254)])
    applicant_kind = SelectField(
        _l("I register as"), choices=[SelectChoice(k.value, label) for k, label in APPLICANT_KIND_LABELS.items()],
        validators=[required()],
    )
    organisation = StringField(_l("School, organisation or People's Committee"),
                               validators=[optional(), length(300)])
    province_id = SelectField(_l("Province or city"), validators=[required()])
    phone = StringField(_l("Phone"), validators=[optional(), length(40)])
    password = PasswordField(_l("Password (at least 10 characters)"), validators=password_rules())
    confirm = PasswordField(_l("Repeat the password"), validators=[required(), equal_to("password")])
    consent = BooleanField(_l("I have read the privacy notice and agree that my data is processed for the award."),
                           validators=[required()])


class StaffAccountForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[required(), length(200, 2)])
    email = EmailField(_l("E-mail"), validators=[required(), email(), length(254)])
    organisation = StringField(_l("Organisation"), validators=[optional(), length(300)])
    roles = MultiCheckboxField(_l("Roles"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    password = PasswordField(_l("First password (at least 10 characters; the user changes it)"),
                             validators=password_rules())


class AccountEditForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    endorser_scopes = MultiCheckboxField(_l("Endorser of (province – programme)"), choices=[])
    active = BooleanField(_l("Account active"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[required(), length(200)])
    password = PasswordField(_l("New password (at least 10 characters)"), validators=password_rules())
    confirm = PasswordField(_l("Repeat the new password"), validators=[required(), equal_to("password")])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), email(), length(254)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password (at least 10 characters)"), validators=password_rules())
    confirm = PasswordField(_l("Repeat the new password"), validators=[required(), equal_to("password")])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
                       validators=[required()])
    next = StringField(validators=[optional(), length(500)])


# A phone opens its number pad and offers the code its authenticator or SMS app holds.
ONE_TIME_CODE = {"inputmode": "numeric", "autocomplete": "one-time-code", "autocapitalize": "off",
                 "spellcheck": "false", "maxlength": "12"}
RECOVERY_CODE = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "maxlength": "40"}


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code from your authenticator app"), validators=[required(), length(12)],
                       render_kw=ONE_TIME_CODE)


class RecoveryCodeForm(FlaskForm):
    code = StringField(_l("Recovery code"), validators=[required(), length(40)], render_kw=RECOVERY_CODE)


class StepUpForm(FlaskForm):
    """Added to a form that was refused for want of a recent second factor; every other field is sent again."""

    step_up_code = StringField(_l("6-digit code from your authenticator app"), validators=[optional(), length(12)],
                               render_kw=ONE_TIME_CODE)
    step_up_recovery_code = StringField(_l("Or a recovery code"), validators=[optional(), length(40)],
                                        render_kw=RECOVERY_CODE)
