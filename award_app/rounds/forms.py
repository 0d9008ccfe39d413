from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from award_app.formfields import (
    DayField,
    LocalDateTimeField,
    NumberField,
    WholeNumberField,
    length,
    not_before,
    number_range,
    optional,
    required,
)
from award_app.rounds.models import CalendarDayKind, RankingMethod, ScoreVisibility


class RoundCreateForm(FlaskForm):
    edition = WholeNumberField(_l("Edition number"), validators=[required(), number_range(1, 999)])
    year = WholeNumberField(_l("Year"), validators=[required(), number_range(2000, 2100)], grouped=False)


class RoundSettingsForm(FlaskForm):
    version = HiddenField()
    theme_vi = StringField(_l("Theme (Vietnamese)"), validators=[optional(), length(300)])
    theme_en = StringField(_l("Theme (English)"), validators=[optional(), length(300)])
    organiser_name = StringField(_l("Organiser (printed on certificates and decisions)"),
                                 validators=[required(), length(200)])
    founding_decision = StringField(_l("Decision that created the round"), validators=[optional(), length(200)])
    opens_at = LocalDateTimeField(_l("Call opens (Viet Nam time)"), validators=[optional()])
    closes_at = LocalDateTimeField(_l("Call closes (Viet Nam time)"), validators=[
        optional(), not_before("opens_at", _l("The call must close after it opens."))])
    scoring_deadline = LocalDateTimeField(_l("Scoring deadline (Viet Nam time)"), validators=[
        optional(), not_before("closes_at", _l("Scoring must end after the call closes."))])
    council_meeting_on = DayField(_l("Council meeting date"), validators=[optional()])
    blind = BooleanField(_l("Blind round: hide nominees' identity from jurors"))
    endorsement_required = BooleanField(_l("Nominations need the province's endorsement"))
    jurors_per_nomination = WholeNumberField(_l("Jurors per nomination"), validators=[required(), number_range(1, 15)])
    prize_threshold = NumberField(_l("Minimum score for a prize"), places=2,
                                  validators=[required(), number_range(0, 100)])
    asean_threshold = NumberField(_l("Minimum score for an ASEAN nomination"), places=2,
                                  validators=[required(), number_range(0, 100)])
    spread_flag_points = WholeNumberField(_l("Flag a spread between jurors over (points)"),
                                          validators=[required(), number_range(0, 100)])
    score_visibility = SelectField(_l("Jurors see other jurors' scores"), choices=[
        SelectChoice(ScoreVisibility.AFTER_OWN.value, _l("after submitting their own")),
        SelectChoice(ScoreVisibility.NEVER.value, _l("never")),
    ])
    hide_juror_names_in_exports = BooleanField(_l("Replace jurors' names by codes in exports"))
    ranking_method = SelectField(_l("The score that decides the ranking"), choices=[
        SelectChoice(RankingMethod.MEAN.value, _l("the mean of the jurors' totals (rule book)")),
        SelectChoice(RankingMethod.MEDIAN.value, _l("the median of the jurors' totals")),
        SelectChoice(RankingMethod.TRIMMED.value, _l("the trimmed mean (the highest and lowest fifth left out)")),
        SelectChoice(RankingMethod.NORMALISED.value, _l("the normalised score (when valid; otherwise the mean)")),
    ], default=RankingMethod.MEAN.value)
    retention_years = WholeNumberField(_l("Keep personal data for (years)"),
                                       validators=[required(), number_range(1, 50)])


class CriterionRow(Form):
    id = HiddenField()
    name_vi = StringField(_l("Criterion (Vietnamese)"), validators=[required(), length(300)])
    name_en = StringField(_l("Criterion (English)"), validators=[required(), length(300)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), validators=[optional(), length(2000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[optional(), length(2000)])
    max_points = WholeNumberField(_l("Maximum points"), validators=[required(), number_range(1, 100)])
    delete = BooleanField(_l("Remove"))


class CriteriaForm(FlaskForm):
    version = HiddenField()
    criteria = FieldList(FormField(CriterionRow), min_entries=0)


class GroupRow(Form):
    id = HiddenField()
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[required(), length(200)])
    name_en = StringField(_l("Name (English)"), validators=[required(), length(200)])


class GroupsForm(FlaskForm):
    version = HiddenField()
    groups = FieldList(FormField(GroupRow))


class TierRow(Form):
    id = HiddenField()
    name_vi = StringField(_l("Prize (Vietnamese)"), validators=[required(), length(100)])
    name_en = StringField(_l("Prize (English)"), validators=[required(), length(100)])
    count_per_group = WholeNumberField(_l("Prizes per ranking group"), validators=[required(), number_range(0, 200)])


class TiersForm(FlaskForm):
    version = HiddenField()
    tiers = FieldList(FormField(TierRow))


class QuotaRow(Form):
    id = HiddenField()
    count = WholeNumberField(_l("Nominees to ASEAN"), validators=[required(), number_range(0, 20)])


class QuotasForm(FlaskForm):
    version = HiddenField()
    quotas = FieldList(FormField(QuotaRow))


class TransitionForm(FlaskForm):
    to_state = HiddenField(validators=[required()])


class CalendarDayForm(FlaskForm):
    day = DayField(_l("Date"), validators=[required()])
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice(CalendarDayKind.HOLIDAY.value, _l("Public holiday (day off)")),
        SelectChoice(CalendarDayKind.MAKEUP_WORKDAY.value, _l("Make-up working Saturday")),
    ])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[required(), length(200)])
    name_en = StringField(_l("Name (English)"), validators=[required(), length(200)])


class IndicatorForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validators=[required()])
    name_vi = StringField(_l("Indicator (Vietnamese)"), validators=[required(), length(300)])
    name_en = StringField(_l("Indicator (English)"), validators=[required(), length(300)])
    unit = StringField(_l("Unit"), validators=[required(), length(40)])
