"""Form pieces every stage uses: validators with Vietnamese and English messages, local times."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    ValidationError,
    validators,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def required():
    return validators.InputRequired(message=_l("This field is required."))


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
    return validators.NumberRange(min=low, max=high, message=_l(
        "Enter a number from %(low)s to %(high)s.", low=low, high=high))


def password_rules():
    return [required(), validators.Length(min=10, max=200, message=_l(
        "The password must have at least 10 characters."))]


def equal_to(other: str):
    return validators.EqualTo(other, message=_l("The two passwords do not match."))


class LocalDateTimeField(DateTimeLocalField):
    """Typed and shown in Viet Nam's time (Asia/Ho_Chi_Minh); stored as aware UTC."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date and time such as 31/12/2026 17:00.")) from error
        if self.data is not None:
            self.data = self.data.replace(tzinfo=VIETNAM).astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return self.data.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")
        return ""


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number.")) from error


class NumberField(DecimalField):
    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(",", ".")]  # Vietnamese writes 12,5
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a number, such as 12,5.")) from error
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number, such as 12,5."))


class DayField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date such as 31/12/2026.")) from error


def not_before(other_field: str, message):
    def check(form, field):
        other = form[other_field].data
        if field.data is not None and other is not None and field.data <= other:
            raise ValidationError(message)
    return check
