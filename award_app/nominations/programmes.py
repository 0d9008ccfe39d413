"""What differs between the three programmes' dossiers: the form, the name shown, the entries."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice

from award_app.clock import day_in_vietnam
from award_app.formfields import length, required
from award_app.i18n import localized
from award_app.nominations import rules
from award_app.nominations.forms import CityForm, EcoSchoolForm, YouthForm
from award_app.nominations.rules import size_class, youth_category
from award_app.rounds.models import ProgrammeCode, Round
from award_app.text import fold

FORMS = {ProgrammeCode.ECO_SCHOOL: EcoSchoolForm, ProgrammeCode.YOUTH: YouthForm, ProgrammeCode.CITY: CityForm}
NAME_FIELD = {ProgrammeCode.ECO_SCHOOL: "school_name", ProgrammeCode.YOUTH: "nominee_name",
              ProgrammeCode.CITY: "city_name"}
# Fields whose text a search should find, besides the name.
SEARCH_FIELDS = ("school_name", "nominee_name", "city_name", "principal_name", "nominator_name", "address")


def form_class(round_: Round):
    """The programme's form; an eco-school dossier also has a self-assessment per criterion of the round."""
    base = FORMS[round_.programme_code]
    if round_.programme_code != ProgrammeCode.ECO_SCHOOL:
        return base
    fields = {
        f"assessment_{c.code}": TextAreaField(_l("Self-assessment: %(criterion)s", criterion=localized(c, "name")),
                                              validators=[required(), length(10000)])
        for rubric in round_.rubrics for c in rubric.criteria
    }
    return type("EcoSchoolRoundForm", (base,), fields)


def form_for(round_: Round, province_choices: list, **kwargs):
    form = form_class(round_)(**kwargs)
    form.province_id.choices = province_choices
    if round_.programme_code == ProgrammeCode.CITY:
        form.outcomes.choices = outcome_choices(round_)
    return form


def outcome_choices(round_: Round) -> list[SelectChoice]:
    """ESC Award and each CoR category of the round (the size class follows from the population)."""
    choices, seen = [], set()
    for group in round_.groups:
        if group.code == "esc":
            choices.append(SelectChoice("esc", localized(group, "name")))
        elif group.code.startswith("cor_"):
            category = group.code.removeprefix("cor_").rsplit("_", 1)[0]
            if category not in seen:
                seen.add(category)
                name = localized(group, "name").rsplit(" (", 1)[0]
                choices.append(SelectChoice(category, name))
    return choices


def json_safe(data: dict) -> dict:
    """Form values as JSON: dates as ISO strings, decimals as strings."""
    safe = {}
    for key, value in data.items():
        if key in ("csrf_token", "version"):
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        safe[key] = value
    return safe


def display_name(programme: ProgrammeCode, details: dict) -> str:
    return (details.get(NAME_FIELD[programme]) or "").strip()


# The fields that say which school (and level), nominee or city a dossier is for: one dossier per applicant each.
IDENTITY = {ProgrammeCode.ECO_SCHOOL: ("school_name", "level"), ProgrammeCode.YOUTH: ("nominee_name",),
            ProgrammeCode.CITY: ("city_name",)}


def dossier_key(programme: ProgrammeCode, details: dict) -> str:
    """See rules.dossier_key: "nguyen trai|thcs", "tran thi mai", "hue"."""
    name = details.get(NAME_FIELD[programme]) or ""
    if programme == ProgrammeCode.ECO_SCHOOL:
        return rules.dossier_key(name, rules.SCHOOL_NAME_PREFIXES, details.get("level") or "")
    return rules.dossier_key(name, rules.CITY_NAME_PREFIXES if programme == ProgrammeCode.CITY else ())


def search_text(details: dict) -> str:
    return " ".join(fold(str(details[f])) for f in SEARCH_FIELDS if details.get(f))


def group_codes(round_: Round, details: dict) -> list[str]:
    """The ranking groups this dossier's entries belong to, from its own facts."""
    programme = round_.programme_code
    if programme == ProgrammeCode.ECO_SCHOOL:
        return [details["level"]] if details.get("level") else []
    if programme == ProgrammeCode.YOUTH:
        birth, closes = details.get("date_of_birth"), round_.closes_at
        if not birth or closes is None:
            return []
        category = youth_category(date.fromisoformat(birth), closing_day(round_))
        return [category] if category else []
    size = size_class(details["population"]) if details.get("population") is not None else None
    codes = []
    for outcome in details.get("outcomes") or []:
        if outcome == "esc":
            codes.append("esc")
        elif size:
            codes.append(f"cor_{outcome}_{size}")
    return codes


def closing_day(round_: Round) -> date:
    """The closing date in Viet Nam, the day on which a nominee's age is counted."""
    return day_in_vietnam(round_.closes_at)


# Hidden from jurors in a blind round: names, school, nominator and referees, and their contacts.
IDENTITY_FIELDS = frozenset({
    "school_name", "address", "principal_name", "principal_contact", "video_link", "nominee_name", "nominee_email",
    "nominee_phone", "nominator_name", "nominator_contact", "referee_1_name", "referee_1_contact", "referee_2_name",
    "referee_2_contact",
})


def facts(round_: Round, details: dict, province_names: dict[str, str], *, blind: bool = False
          ) -> list[tuple[str, str]]:
    """(label, value) pairs of a dossier in the reader's language, in the form's order; a blind view
    leaves out every field that identifies the nominee."""
    form = form_for(round_, [SelectChoice(k, v) for k, v in province_names.items()], formdata=None, meta={
        "csrf": False})
    pairs = []
    for field in form:
        if field.name in ("csrf_token", "version") or field.name not in details:
            continue
        if blind and field.name in IDENTITY_FIELDS:
            continue
        value = details[field.name]
        choices = {str(c.value): str(c.label) for c in getattr(field, "choices", None) or []}
        if isinstance(value, list):
            shown = ", ".join(choices.get(str(v), str(v)) for v in value)
        elif field.name == "date_of_birth" and value:
            shown = date.fromisoformat(value).strftime("%d/%m/%Y")
        elif hasattr(field, "shown"):  # a number, with the reader's marks: 1.220.000 and 1.285,4
            shown = field.shown(value)
        else:
            shown = choices.get(str(value), "" if value is None else str(value))
        pairs.append((str(field.label.text), shown))
    return pairs


def entry_outcome(entry) -> str:
    """"esc" for the ESC Award entry, else the CoR category of a "cor_<category>_<size>" group."""
    code = entry.group.code
    return "esc" if code == "esc" else code.removeprefix("cor_").rsplit("_", 1)[0]
