from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from award_app.accounts.forms import MultiCheckboxField
from award_app.formfields import WholeNumberField, length, number_range, optional, required


class ScreeningForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[SelectChoice("eligible", _l("Eligible")),
                                                  SelectChoice("ineligible", _l("Ineligible"))],
                         validators=[required()])
    reason = TextAreaField(_l("Reason the applicant will read (required when ineligible)"),
                           validators=[optional(), length(2000)])


class DocumentRequestForm(FlaskForm):
    item_ids = MultiCheckboxField(_l("Documents to add"), choices=[])
    message = TextAreaField(_l("Message to the applicant"), validators=[required(), length(2000)])


class HonouredNameForm(FlaskForm):
    programme_code = SelectField(_l("List"), choices=[
        SelectChoice("eco_school", _l("Schools already honoured as ASEAN Eco-schools")),
        SelectChoice("youth", _l("Young people with another ASEAN youth environment award"))])
    name = StringField(_l("Name"), validators=[required(), length(300)])
    detail = StringField(_l("Detail (province, school level …)"), validators=[optional(), length(300)])
    year = WholeNumberField(_l("Year"), validators=[optional(), number_range(1990, 2100)], grouped=False)
