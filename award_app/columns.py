"""Column types every model shares: UTC-aware datetimes, string-stored enums, NFC text."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, String, TypeDecorator

from award_app.text import nfc


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes in UTC and always returns them aware in UTC.

    SQLite keeps no offset, so naive values read back are UTC by construction; a naive
    value given to the database is refused, never guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class NFCText(TypeDecorator):
    """Vietnamese text is stored as text.nfc makes it (NFC, no surrounding blanks), whatever the keyboard sent."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect):
        return nfc(value)


def str_enum(enum_class: type[enum.Enum], length: int = 32) -> Enum:
    """An enum stored as its value in a VARCHAR, checked by a named CHECK constraint."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        create_constraint=True,
        name=enum_class.__name__.lower(),
    )

