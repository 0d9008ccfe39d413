from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, TextAreaField

from award_app.formfields import WholeNumberField, length, optional


class ScoreRow(Form):
    criterion_id = HiddenField()
    points = WholeNumberField(_l("Points"), validators=[optional()])
    comment = TextAreaField(_l("Comment"), validators=[optional(), length(5000)])


class ScoreSheetForm(FlaskForm):
    version = HiddenField()
    scores = FieldList(FormField(ScoreRow))
