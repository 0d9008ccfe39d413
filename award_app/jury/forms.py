from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField

from award_app.formfields import email, length, optional, required


class CouncilMemberForm(FlaskForm):
    email = EmailField(_l("Juror's e-mail"), validators=[required(), email(), length(254)])
    full_name = StringField(_l("Full name"), validators=[required(), length(200)])
    organisation = StringField(_l("Organisation"), validators=[optional(), length(300)])
    password = PasswordField(_l("First password, only for a new account (at least 10 characters)"),
                             validators=[optional(), length(200, 10)])
    is_chair = BooleanField(_l("Chair of the council"))


class AssignmentForm(FlaskForm):
    nomination_id = HiddenField(validators=[required()])
    juror_id = SelectField(_l("Add a juror"), validators=[required()])
