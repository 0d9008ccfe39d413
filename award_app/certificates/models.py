from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import UTCDateTime
from award_app.extensions import Model


class Certificate(Model):
    """A Giấy chứng nhận issued for an awarded entry; its code opens the public verification page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    tier_code: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The issued PDF is kept (uploads/<sha[:2]>/<sha>) and its hash recorded: every download is that file.
    sha256: Mapped[str | None] = mapped_column(String(64))

    entry = relationship("Entry")
    decision = relationship("Decision")
