from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from award_app.formfields import DayField, length, required


class ApprovalForm(FlaskForm):
    number = StringField(_l("Decision number and symbol"), validators=[required(), length(60)],
                         render_kw={"placeholder": "123/QĐ-BNNMT"})
    signed_on = DayField(_l("Date of signature"), validators=[required()])
    signer_name = StringField(_l("Signer's name"), validators=[required(), length(200)])
    signer_title = StringField(_l("Signer's title"), validators=[required(), length(200)],
                               render_kw={"placeholder": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"})
