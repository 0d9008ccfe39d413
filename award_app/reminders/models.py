from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from award_app.clock import utcnow
from award_app.columns import UTCDateTime
from award_app.extensions import Model


class ReminderDigest(Model):
    """The reminder e-mail a person got on a day (Viet Nam date): at most one a day, so sending the
    reminders twice sends nothing more."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "day"),)
