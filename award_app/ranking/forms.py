from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from award_app.accounts.forms import MultiCheckboxField
from award_app.formfields import DayField, WholeNumberField, length, number_range, required


class MeetingForm(FlaskForm):
    held_on = DayField(_l("Date of the meeting"), validators=[required()])
    present = MultiCheckboxField(_l("Members present"), choices=[])
    votes_for = WholeNumberField(_l("Votes for the proposal"), validators=[required(), number_range(0, 100)])
    votes_against = WholeNumberField(_l("Votes against"), validators=[required(), number_range(0, 100)])
    minutes = TextAreaField(_l("Minutes (biên bản)"), validators=[required(), length(50000)])
