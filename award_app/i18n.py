"""Locale choice and how dates, times and numbers are shown (Vietnamese first)."""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from award_app.clock import utcnow


def select_locale() -> str:
    """The user's saved choice, else the language cookie, else Accept-Language, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def show_date(value: date | datetime | None) -> str:
    """24/11/2026, in Viet Nam's time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return format_date(value, "dd/MM/yyyy")


def show_datetime(value: datetime | None) -> str:
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value is not None else ""


def show_wait(seconds: int) -> str:
    """When a refused client may try again, in the reader's words: "in 45 seconds"; "in 15 minutes (at 14:32)",
    rounded up to the minute, with the clock time in Viet Nam."""
    if seconds < 60:
        return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=True)
    minutes = math.ceil(seconds / 60)
    at = format_datetime(utcnow() + timedelta(minutes=minutes), "HH:mm")
    return _("%(in_minutes)s (at %(time)s)", in_minutes=format_timedelta(
        timedelta(minutes=minutes), threshold=1, granularity="minute", add_direction=True), time=at)


@cache
def _number_symbols(locale: str) -> dict[int, str]:
    """The locale's decimal, grouping and minus signs (Babel looks them up slowly on every call)."""
    return str.maketrans({".": get_decimal_symbol(locale), ",": get_group_symbol(locale),
                          "-": get_minus_sign_symbol(locale)})


def show_number(value, places: int = 2) -> str:
    """1.234,57 in Vietnamese, 1,234.57 in English: rounded half to even, as Babel's format_decimal does."""
    if value is None:
        return ""
    number = value if isinstance(value, int | float | Decimal) else Decimal(str(value))
    return f"{number:,.{places}f}".translate(_number_symbols(str(get_locale())))


def weekday_name(day: date) -> str:
    return format_date(day, "EEEE")


def localized(obj, field: str) -> str:
    """obj.name_vi or obj.name_en for the current locale, falling back to Vietnamese."""
    value = getattr(obj, f"{field}_en", "") if str(get_locale()) == "en" else ""
    return value or getattr(obj, f"{field}_vi")


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(show_date, "date")
    app.add_template_filter(show_datetime, "datetime")
    app.add_template_filter(show_number, "number")
    app.add_template_global(localized, "localized")
    app.add_template_global(weekday_name, "weekday_name")
    app.add_template_global(get_locale, "get_locale")
