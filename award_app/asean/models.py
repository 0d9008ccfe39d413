"""What ASEAN's call asks of a round's nominees, their English supplements, and ASEAN's result per nominee.

The national dossier never changes after approval: everything ASEAN needs beyond it lives here."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_app.asean.rules import OUTCOME_NAMES, SIZE_NAMES
from award_app.clock import utcnow
from award_app.columns import NFCText, UTCDateTime, str_enum
from award_app.extensions import Model
from award_app.i18n import localized
from award_app.nominations.models import DocumentKind


class AseanCall(Model):
    """The per-round settings of the package to ASEAN: ASEAN's deadline, when the nominees' supplements are due,
    who signs the cover letter, and what each nominee must send (the requirements)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    supplement_due_on: Mapped[date | None] = mapped_column(Date)
    organiser_en: Mapped[str] = mapped_column(NFCText(200), default="")
    addressee: Mapped[str] = mapped_column(NFCText(300), default="")
    signer_name: Mapped[str] = mapped_column(NFCText(200), default="")
    signer_title: Mapped[str] = mapped_column(NFCText(200), default="")
    # An ASEAN winner joins the list of those already honoured, which refuses them in later rounds.
    exclude_winners: Mapped[bool] = mapped_column(default=True)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    round = relationship("Round")
    requirements: Mapped[list["AseanRequirement"]] = relationship(
        back_populates="call", order_by="AseanRequirement.position", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("supplement_due_on IS NULL OR deadline IS NULL OR supplement_due_on < deadline",
                        name="supplement_before_deadline"),
    )


class AseanRequirement(Model):
    """A document ASEAN asks of each nominee, under ASEAN's name and in ASEAN's order. When the national
    checklist item `national_item` has files and the supplement sends none, the national files serve."""

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("asean_call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(NFCText(200))
    name_en: Mapped[str] = mapped_column(NFCText(200))
    # The file names in the package: "Testimonial" → 03_Testimonial_1.pdf
    asean_name: Mapped[str] = mapped_column(String(60))
    # Comma-separated kinds: pdf, jpeg, png, docx.
    accepted: Mapped[str] = mapped_column(String(60))
    required: Mapped[bool] = mapped_column(default=True)
    min_count: Mapped[int] = mapped_column(default=1)
    max_count: Mapped[int | None]
    national_item: Mapped[str] = mapped_column(String(40), default="")
    # Each file names its author (testimonials: by people other than the nominator and each other).
    needs_author: Mapped[bool] = mapped_column(default=False)

    call: Mapped[AseanCall] = relationship(back_populates="requirements")

    __table_args__ = (
        UniqueConstraint("call_id", "code"),
        CheckConstraint("min_count >= 0", name="min_count"),
        CheckConstraint("max_count IS NULL OR max_count >= min_count", name="max_count"),
    )

    @property
    def accepted_kinds(self) -> list[str]:
        return [k for k in self.accepted.split(",") if k]


class SupplementState(enum.StrEnum):
    REQUESTED = "requested"
    SENT = "sent"


class AseanSupplement(Model):
    """What an ASEAN nominee adds for ASEAN: the English of each narrative field and criterion text, and the
    documents ASEAN asks beyond the national checklist. Versioned: a stale save is refused."""

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("asean_call.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), unique=True)
    state: Mapped[SupplementState] = mapped_column(str_enum(SupplementState), default=SupplementState.REQUESTED)
    due_on: Mapped[date] = mapped_column(Date)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # field key → English text; field key → who wrote it last ("nominee" or "secretariat")
    english: Mapped[dict] = mapped_column(JSON, default=dict)
    english_by: Mapped[dict] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[AseanCall] = relationship()
    nomination = relationship("Nomination")
    documents: Mapped[list["AseanDocument"]] = relationship(
        back_populates="supplement", cascade="all, delete-orphan", order_by="AseanDocument.id")

    __mapper_args__ = {"version_id_col": version}


class AseanDocument(Model):
    """A file of a supplement, stored and checked as dossier files are (nominations/files.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    supplement_id: Mapped[int] = mapped_column(ForeignKey("asean_supplement.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("asean_requirement.id"), index=True)
    original_name: Mapped[str] = mapped_column(NFCText(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, 8))
    size: Mapped[int]
    author: Mapped[str] = mapped_column(NFCText(200), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_secretariat: Mapped[bool] = mapped_column(default=False, server_default=false())

    supplement: Mapped[AseanSupplement] = relationship(back_populates="documents")
    requirement: Mapped[AseanRequirement] = relationship()

    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    @property
    def extension(self) -> str:
        return {"jpeg": "jpg"}.get(self.kind.value, self.kind.value)


class AseanOutcome(enum.StrEnum):
    AWARD = "award"
    CERTIFICATE = "certificate_of_recognition"
    NOT_SELECTED = "not_selected"


class AseanResult(Model):
    """ASEAN's result for one nominated entry, as ASEAN's meeting decided it; read by name (Entry.asean_result)
    on the verification page, the public results and the exports."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), unique=True)
    outcome: Mapped[AseanOutcome] = mapped_column(str_enum(AseanOutcome, 40))
    # For a Certificate of Recognition: its category (clean_air …) and size class (small, big).
    cor_category: Mapped[str] = mapped_column(String(40), default="")
    size_class: Mapped[str] = mapped_column(String(10), default="")
    meeting: Mapped[str] = mapped_column(NFCText(300))
    reference: Mapped[str] = mapped_column(NFCText(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    honoured_name_id: Mapped[int | None] = mapped_column(ForeignKey("honoured_name.id", ondelete="SET NULL"),
                                                          index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    entry = relationship("Entry")
    honoured_name = relationship("HonouredName")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("outcome <> 'certificate_of_recognition' OR (cor_category <> '' AND size_class IN "
                        "('small', 'big'))", name="certificate_has_category_and_size"),
        CheckConstraint("meeting <> '' AND reference <> ''", name="meeting_and_reference"),
    )

    @property
    def outcome_name(self) -> str:
        return str(OUTCOME_NAMES[self.outcome.value])

    @property
    def description(self) -> str:
        """In the reader's language: "ASEAN award", or "ASEAN Certificate of Recognition: Clean Air (big city)"."""
        if self.outcome != AseanOutcome.CERTIFICATE:
            return self.outcome_name
        group = next((g for g in self.entry.nomination.round.groups
                      if g.code == f"cor_{self.cor_category}_{self.size_class}"), None)
        category = localized(group, "name").rsplit(" (", 1)[0].split(" – ", 1)[-1] if group else self.cor_category
        return f"{self.outcome_name}: {category} ({SIZE_NAMES[self.size_class]})"
