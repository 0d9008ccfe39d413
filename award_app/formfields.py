"""Form pieces every stage uses: validators with Vietnamese and English messages, local times."""

from datetime import date, datetime

from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, ValidationError, validators
from wtforms.widgets import TextInput

from award_app.bounds import MAX_INT
from award_app.clock import VIETNAM, from_vietnam_time
from award_app.i18n import format_number, parse_number


class SomethingTyped(validators.InputRequired):
    """Like InputRequired (and its `required` attribute), but spaces alone are not an answer."""

    def __call__(self, form, field):
        if any(not isinstance(value, str) or value.strip() for value in field.raw_data or []):
            return
        field.errors[:] = []
        raise validators.StopValidation(self.message)


# WTForms' own messages, which it ships in no Vietnamese: listed here so that they are in our catalogue.
WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
)


class CatalogueTranslations:
    """WTForms' built-in messages ("Not a valid choice.") translated by the application's own catalogue,
    unformatted: WTForms fills in their %(value)s itself."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def translate_wtforms_messages() -> None:
    """Every FlaskForm takes WTForms' messages from our catalogue instead of WTForms' (which lacks Vietnamese)."""
    FlaskForm.Meta.get_translations = lambda meta, form: CatalogueTranslations()


def required():
    """Something other than spaces must be typed."""
    return SomethingTyped(message=_l("This field is required."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def optional():
    return validators.Optional()


def length(max_chars: int, min_chars: int = -1):
    if min_chars > 0:
        return validators.Length(min=min_chars, max=max_chars, message=_l(
            "Enter between %(min)d and %(max)d characters.", min=min_chars, max=max_chars))
    return validators.Length(max=max_chars, message=_l("Enter at most %(max)d characters.", max=max_chars))


def email():
    return validators.Email(message=_l("Enter a valid e-mail address, such as ten@truong.edu.vn."))


def number_range(low: int | float, high: int | float):
    """Checked only when the text was a number at all: one clear message per mistake."""
    def check(form, field):
        if field.data is not None and not low <= field.data <= high:
            show = getattr(field, "shown", format_number)  # in the reader's notation; a year without a mark
            raise ValidationError(_l("Enter a number from %(low)s to %(high)s.", low=show(low), high=show(high)))
    return check


def equal_to(other: str):
    return validators.EqualTo(other, message=_l("The two passwords do not match."))


# Dates are typed as text in the Vietnamese order, whatever language the browser speaks
# (a date picker would show mm/dd/yyyy in an English browser). ISO is accepted too.
DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")
MOMENT_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    for pattern in formats:
        try:
            return datetime.strptime(" ".join(text.split()), pattern)
        except ValueError:
            continue
    return None


class LocalDateTimeField(StringField):
    """Typed and shown in Viet Nam's time (Asia/Ho_Chi_Minh) as 31/12/2026 17:00; stored as aware UTC."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        moment = _parse(text, MOMENT_FORMATS)
        if moment is None:
            self.data = None
            raise ValueError(_l("Enter a date and time such as 31/12/2026 17:00."))
        self.data = from_vietnam_time(moment)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return self.data.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        return ""


class WholeNumberField(IntegerField):
    """A text box with a numeric keypad, read in the reader's notation (1.250 in Vietnamese, 1,250 in English):
    what was typed stays visible when it is not a whole number, with a message that says how to write it."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, grouped: bool = True, **kwargs):
        """`grouped=False` shows the number without thousands marks (a year: 2026)."""
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        self.grouped = grouped
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not isinstance(valuelist[0], str):
            return
        number = parse_number(valuelist[0], whole=True)  # NumberNotUnderstood is a ValueError: the field's error
        if number is None:
            return
        if abs(number) > MAX_INT:  # beyond any column: never sent to the database
            raise ValueError(_l("This number is too large."))
        self.data = int(number)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.shown(self.data)

    def shown(self, value) -> str:
        return format_number(value, grouped=self.grouped) if value is not None else ""


class NumberField(DecimalField):
    """A decimal in the reader's notation (1.285,4 in Vietnamese, 1,285.4 in English), with at most `places`
    decimals."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and isinstance(valuelist[0], str):
            self.data = parse_number(valuelist[0], places=self.places)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.shown(self.data)

    def shown(self, value) -> str:
        return format_number(value, self.places) if value not in (None, "") else ""


class DayField(StringField):
    """A date typed as 31/12/2026 (or 2026-12-31)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        moment = _parse(text, DAY_FORMATS)
        if moment is None:
            self.data = None
            raise ValueError(_l("Enter a date such as 31/12/2026."))
        self.data = moment.date()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, date):
            return self.data.strftime("%d/%m/%Y")
        return ""


def not_before(other_field: str, message):
    def check(form, field):
        other = form[other_field].data
        if field.data is not None and other is not None and field.data <= other:
            raise ValidationError(message)
    return check


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""
