from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from award_app.formfields import length, optional, required


class ScreeningForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[SelectChoice("eligible", _l("Eligible")),
                                                  SelectChoice("ineligible", _l("Ineligible"))],
                         validators=[required()])
    reason = TextAreaField(_l("Reason the applicant will read (required when ineligible)"),
                           validators=[optional(), length(2000)])
