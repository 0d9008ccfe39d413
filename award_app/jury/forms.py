from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from award_app.accounts.forms import MultiCheckboxField
from award_app.formfields import WholeNumberField, email, length, number_range, optional, required
from award_app.jury.models import ConflictKind

EXPERTISE = [
    SelectChoice("eco_school", _l("Eco-schools")),
    SelectChoice("youth", _l("Youth eco-champions")),
    SelectChoice("city", _l("Sustainable cities")),
    SelectChoice("waste", _l("Waste management and reduction")),
    SelectChoice("climate", _l("Climate change and energy efficiency")),
    SelectChoice("cleanliness", _l("Public cleanliness")),
    SelectChoice("water", _l("Water conservation")),
    SelectChoice("biodiversity", _l("Biodiversity conservation")),
    SelectChoice("clean_air", _l("Clean air")),
    SelectChoice("circular_economy", _l("Circular economy")),
]
CONFLICT_KINDS = [
    SelectChoice(ConflictKind.SAME_ORGANISATION.value, _l("I work for the same organisation")),
    SelectChoice(ConflictKind.SAME_PROVINCE.value, _l("I am from the same province")),
    SelectChoice(ConflictKind.NOMINATOR_OR_REFEREE.value, _l("I am the nominator or a referee")),
    SelectChoice(ConflictKind.FAMILY.value, _l("Family tie")),
    SelectChoice(ConflictKind.RECENT_COLLABORATION.value, _l("We worked together in the last 5 years")),
    SelectChoice(ConflictKind.OTHER.value, _l("Other (explain)")),
]


class CouncilMemberForm(FlaskForm):
    email = EmailField(_l("Juror's e-mail"), validators=[required(), email(), length(254)])
    full_name = StringField(_l("Full name"), validators=[required(), length(200)])
    organisation = StringField(_l("Organisation"), validators=[optional(), length(300)])
    province_id = SelectField(_l("Province"), validators=[optional()])
    expertise = MultiCheckboxField(_l("Expertise"), choices=EXPERTISE)
    cap = WholeNumberField(_l("At most this many dossiers (leave empty to balance loads)"),
                           validators=[optional(), number_range(0, 10000)])
    is_chair = BooleanField(_l("Chair of the council"))


class AssignmentForm(FlaskForm):
    nomination_id = HiddenField(validators=[required()])
    juror_id = SelectField(_l("Add a juror"), validators=[required()])


class ConflictDecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("confirm", _l("Confirm the conflict")),
                                                    SelectChoice("reject", _l("Reject: no conflict"))])
    reason = TextAreaField(_l("Reason"), validators=[required(), length(1000)])


class DossierConflictForm(FlaskForm):
    has_conflict = SelectField(_l("Conflict of interest"), choices=[
        SelectChoice("no", _l("I have no conflict of interest with this dossier")),
        SelectChoice("yes", _l("I have a conflict of interest with this dossier"))])
    kind = SelectField(_l("Kind of conflict"), choices=CONFLICT_KINDS)
    detail = TextAreaField(_l("Explain (required for “other”)"), validators=[optional(), length(1000)])
