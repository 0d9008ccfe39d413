from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice

from award_app.accounts.forms import MultiCheckboxField
from award_app.formfields import (
    DayField,
    LocalDateTimeField,
    NumberField,
    WholeNumberField,
    email,
    length,
    number_range,
    optional,
    required,
    strip,
)

SCHOOL_LEVELS = [
    SelectChoice("tieu_hoc", _l("Primary school (tiểu học, grades 1–5)")),
    SelectChoice("thcs", _l("Lower secondary school (THCS, grades 6–9)")),
    SelectChoice("thpt", _l("Upper secondary school (THPT, grades 10–12)")),
]
YOUTH_FIELDS = [
    SelectChoice("waste", _l("Waste management and reduction")),
    SelectChoice("climate", _l("Climate change and energy efficiency")),
    SelectChoice("cleanliness", _l("Public cleanliness")),
    SelectChoice("water", _l("Water conservation")),
    SelectChoice("biodiversity", _l("Biodiversity conservation")),
]
CITIZENSHIPS = [SelectChoice("VN", _l("Vietnamese")), SelectChoice("other", _l("Another citizenship"))]
NOMINATOR_KINDS = [SelectChoice("organisation", _l("An organisation")), SelectChoice("person", _l("A person"))]


class DossierForm(FlaskForm):
    """Fields shared by every programme's dossier form; `version` guards against stale saves."""

    version = HiddenField()


class EcoSchoolForm(DossierForm):
    school_name = StringField(_l("School name"), validators=[required(), length(300)])
    level = SelectField(_l("Level entered"), choices=SCHOOL_LEVELS, validators=[required()])
    pupils = WholeNumberField(_l("Pupils"), validators=[required(), number_range(1, 20000)])
    teachers = WholeNumberField(_l("Teachers"), validators=[required(), number_range(1, 2000)])
    address = StringField(_l("Address"), validators=[required(), length(300)])
    province_id = SelectField(_l("Province or city"), validators=[required()])
    principal_name = StringField(_l("Principal's name"), validators=[required(), length(200)])
    principal_contact = StringField(_l("Principal's phone or e-mail"), validators=[required(), length(200)])
    video_link = URLField(_l("Video link (optional)"), validators=[optional(), length(500)])


class YouthForm(DossierForm):
    nominee_name = StringField(_l("Nominee's full name"), validators=[required(), length(200)])
    date_of_birth = DayField(_l("Date of birth"), validators=[required()])
    citizenship = SelectField(_l("Citizenship"), choices=CITIZENSHIPS, validators=[required()])
    nominee_email = EmailField(_l("Nominee's e-mail"), validators=[required(), email(), length(254)])
    nominee_phone = StringField(_l("Nominee's phone"), validators=[optional(), length(40)])
    province_id = SelectField(_l("Province or city where the nominee works"), validators=[required()])
    fields_of_work = MultiCheckboxField(_l("Fields of work"), choices=YOUTH_FIELDS)
    years_active = WholeNumberField(_l("Years active in environmental work"), validators=[required(),
                                                                                         number_range(0, 30)])
    achievements = TextAreaField(_l("Main achievements"), validators=[required(), length(5000)])
    nominator_kind = SelectField(_l("The nominator is"), choices=NOMINATOR_KINDS, validators=[required()])
    nominator_name = StringField(_l("Nominator's name"), validators=[required(), length(200)])
    nominator_contact = StringField(_l("Nominator's phone or e-mail"), validators=[required(), length(200)])
    referee_1_name = StringField(_l("First referee's name (not the nominator)"), validators=[required(), length(200)])
    referee_1_contact = StringField(_l("First referee's phone or e-mail"), validators=[required(), length(200)])
    referee_2_name = StringField(_l("Second referee's name (not the nominator)"), validators=[required(),
                                                                                            length(200)])
    referee_2_contact = StringField(_l("Second referee's phone or e-mail"), validators=[required(), length(200)])


class CityForm(DossierForm):
    city_name = StringField(_l("City or urban area"), validators=[required(), length(200)])
    province_id = SelectField(_l("Province or city"), validators=[required()])
    population = WholeNumberField(_l("Population"), validators=[required(), number_range(0, 100_000_000)])
    area_km2 = NumberField(_l("Area (km²)"), places=2, validators=[required(), number_range(0.01, 100000)])
    outcomes = MultiCheckboxField(_l("Outcomes applied for"), choices=[])
    narrative = TextAreaField(_l("Summary of the city's environmental results"),
                              validators=[required(), length(10000)])


class DocumentForm(FlaskForm):
    checklist_item_id = SelectField(_l("Document"), validators=[required()])
    criterion_id = SelectField(_l("Criterion (for evidence)"), validators=[optional()])
    file = FileField(_l("File (PDF, JPEG, PNG or DOCX)"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), length(2000)], filters=[strip])


class ExtensionForm(FlaskForm):
    new_deadline = LocalDateTimeField(_l("New deadline (Viet Nam time)"), validators=[required()])
    reason = TextAreaField(_l("Reason"), validators=[required(), length(1000)])


class EndorseForm(FlaskForm):
    nomination_ids = MultiCheckboxField(_l("Dossiers covered by the letter"), choices=[])
    number = StringField(_l("Number of the official letter"), validators=[required(), length(60)],
                         render_kw={"placeholder": "125/SGDĐT-KHTC"})
    letter = FileField(_l("Signed official letter (PDF)"))


class PaperDossierForm(FlaskForm):
    email = EmailField(_l("Applicant's e-mail"), validators=[required(), email(), length(254)])
    full_name = StringField(_l("Applicant's full name"), validators=[required(), length(200)])
    organisation = StringField(_l("School, organisation or People's Committee"), validators=[optional(), length(300)])


class IndicatorValueForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), validators=[required()])
    year = WholeNumberField(_l("Year"), validators=[required(), number_range(2000, 2100)], grouped=False)
    value = NumberField(_l("Value"), places=3, validators=[required(), number_range(-1e12, 1e12)])
    document_id = SelectField(_l("Evidence file"), validators=[optional()])


class NarrativeForm(FlaskForm):
    narrative = TextAreaField(_l("Narrative of this entry"), validators=[optional(), length(20000)])
