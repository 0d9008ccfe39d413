from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from award_app.asean.rules import OUTCOME_NAMES, SIZE_NAMES
from award_app.formfields import DayField, WholeNumberField, length, number_range, optional, required


class CallForm(FlaskForm):
    version = HiddenField()
    deadline = DayField(_l("ASEAN's deadline for the package"), validators=[optional()])
    supplement_due_on = DayField(_l("The nominees' supplements are due on"), validators=[optional()])
    organiser_en = StringField(_l("The organiser's name in English"), validators=[required(), length(200)])
    addressee = StringField(_l("Addressee of the cover letter"), validators=[required(), length(300)])
    signer_name = StringField(_l("Signer of the cover letter (the national focal point)"),
                              validators=[required(), length(200)])
    signer_title = StringField(_l("Signer's title, in English"), validators=[required(), length(200)],
                               render_kw={"placeholder": "Director General, ASOEN Viet Nam focal point"})
    exclude_winners = BooleanField(_l("An ASEAN winner is excluded from later national rounds"))


class RequirementRow(Form):
    id = HiddenField()
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[required(), length(200)])
    name_en = StringField(_l("Name (English)"), validators=[required(), length(200)])
    min_count = WholeNumberField(_l("At least (files)"), validators=[required(), number_range(0, 50)])
    max_count = WholeNumberField(_l("At most (files; empty: no limit)"), validators=[optional(),
                                                                                     number_range(1, 50)])
    required = BooleanField(_l("Required"))  # last: the name hides the validator below it in this class


class RequirementsForm(FlaskForm):
    version = HiddenField()
    requirements = FieldList(FormField(RequirementRow))


def supplement_form_class(fields):
    """One text box per English field of the supplement (rules.english_fields), and the row version."""
    boxes = {f.key: TextAreaField(f.label, validators=[optional(), length(20000)]) for f in fields}
    return type("SupplementForm", (FlaskForm,), {"version": HiddenField(), **boxes})


class DocumentForm(FlaskForm):
    requirement_id = SelectField(_l("Document"), validators=[required()])
    author = StringField(_l("Author (for a testimonial)"), validators=[optional(), length(200)])
    file = FileField(_l("File"))


class ResultForm(FlaskForm):
    version = HiddenField()
    outcome = SelectField(_l("ASEAN's result"), choices=[SelectChoice(k, v) for k, v in OUTCOME_NAMES.items()],
                          validators=[required()])
    cor_category = SelectField(_l("Category of the Certificate of Recognition"), choices=[],
                               validators=[optional()])
    size_class = SelectField(_l("Size class"), choices=[SelectChoice("", "—")] + [
        SelectChoice(k, v) for k, v in SIZE_NAMES.items()], validators=[optional()])
    meeting = StringField(_l("ASEAN meeting that decided"), validators=[required(), length(300)],
                          render_kw={"placeholder": "ASEAN Ministerial Meeting on Environment"})
    reference = StringField(_l("ASEAN's reference"), validators=[required(), length(100)])
    decided_on = DayField(_l("Date of ASEAN's decision"), validators=[optional()])
