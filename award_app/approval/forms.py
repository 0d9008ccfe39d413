from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField

from award_app.formfields import DayField, length, required, strip


class ApprovalForm(FlaskForm):
    number = StringField(_l("Decision number and symbol"), validators=[required(), length(60)],
                         render_kw={"placeholder": "123/QĐ-BNNMT"})
    signed_on = DayField(_l("Date of signature"), validators=[required()])
    signer_name = StringField(_l("Signer's name"), validators=[required(), length(200)])
    signer_title = StringField(_l("Signer's title"), validators=[required(), length(200)],
                               render_kw={"placeholder": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"})


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Reason for returning the proposal to the council"),
                           validators=[required(), length(2000)], filters=[strip])


class ScanForm(FlaskForm):
    scan = FileField(_l("The signed decision, scanned (PDF)"))


class RevocationForm(FlaskForm):
    entry_id = HiddenField(validators=[required()])
    reason = TextAreaField(_l("Reason (the dossier proved false …)"), validators=[required(), length(2000)],
                           filters=[strip])
    decision_reference = StringField(_l("Revocation decision (number and date)"), validators=[required(), length(100)],
                                     filters=[strip])
