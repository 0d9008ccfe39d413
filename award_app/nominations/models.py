"""A nomination (the dossier), its entries (what is scored and ranked) and its documents."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, defer, mapped_column, relationship

from award_app.clock import utcnow
from award_app.columns import NFCText, UTCDateTime, str_enum
from award_app.extensions import Model


class NominationState(enum.StrEnum):
    """A dossier's state; the steps between them are rules.TRANSITIONS, taken only by lifecycle.py."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ENDORSED = "endorsed"
    RETURNED = "returned"
    MISSING_DOCUMENTS = "missing_documents"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDER_REVIEW = "under_review"
    AWARDED = "awarded"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"


class Nomination(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Given at submission: ES-2026-0042 (programme prefix, year, sequence within the round).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    state: Mapped[NominationState] = mapped_column(str_enum(NominationState), default=NominationState.DRAFT,
                                                   index=True)
    display_name: Mapped[str] = mapped_column(NFCText(300), default="")
    # diacritic- and case-free copy of the searchable text ("nguyen trai")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Which school and level, nominee or city this is for ("nguyen trai|thcs"; "" while unnamed): an applicant has
    # one dossier that is not withdrawn per key and round (rules.dossier_key; the index below).
    dossier_key: Mapped[str] = mapped_column(String(400), default="", server_default="")
    province_id: Mapped[str | None] = mapped_column(ForeignKey("province.id"), index=True)
    # The programme's own fields (school, nominee, city …), as typed; see nominations/programmes.py.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Exactly what was typed, valid or not, so that a draft never loses anything.
    form_input: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    # Warnings for the secretariat, e.g. a possible match on the lists of those already honoured.
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # Checklist items the secretariat asked for (screening's missing-documents loop); these may change.
    requested_items: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    round = relationship("Round")
    applicant = relationship("User", foreign_keys=[applicant_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    province = relationship("Province")
    entries: Mapped[list["Entry"]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="Entry.id")
    documents: Mapped[list["Document"]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="Document.id")
    extensions: Mapped[list["DeadlineExtension"]] = relationship(
        cascade="all, delete-orphan", order_by="DeadlineExtension.id")
    endorsements: Mapped[list["Endorsement"]] = relationship(
        cascade="all, delete-orphan", order_by="Endorsement.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'withdrawn') OR reference IS NOT NULL",
                        name="reference_after_submission"),
        Index("ix_nomination_round_state", "round_id", "state"),
        # One dossier per applicant, school and level (nominee, city) per round; a withdrawn one does not count.
        Index("uq_nomination_one_dossier", "round_id", "applicant_id", "dossier_key", unique=True,
              sqlite_where=text("state <> 'withdrawn'"), postgresql_where=text("state <> 'withdrawn'")),
    )

    @property
    def programme_code(self):
        return self.round.programme_code

    @property
    def deadline(self) -> datetime | None:
        """The round's closing time, or the latest extension the secretariat granted this dossier."""
        if self.extensions:
            return self.extensions[-1].new_deadline
        return self.round.closes_at


def list_deferred() -> tuple:
    """Loader options for list pages: what a list of dossiers never shows (the typed form, the programme's
    fields, the search text: kilobytes of JSON each) is not loaded."""
    return tuple(defer(column) for column in (Nomination.form_input, Nomination.details, Nomination.requested_items,
                                              Nomination.search_text))


class Entry(Model):
    """What is scored and ranked: one per nomination, or one per outcome a city applies for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("ranking_group.id"), index=True)
    narrative: Mapped[str] = mapped_column(Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="entries")
    group = relationship("RankingGroup")
    indicator_values: Mapped[list["IndicatorValue"]] = relationship(
        cascade="all, delete-orphan", order_by="IndicatorValue.id")
    # Set by the approval stage when an award is taken back (a later stage's fact, read here by name).
    revocation = relationship("Revocation", uselist=False, viewonly=True)
    # ASEAN's result for a nominated entry (the asean stage's fact, read here by name).
    asean_result = relationship("AseanResult", uselist=False, viewonly=True)

    __table_args__ = (UniqueConstraint("nomination_id", "group_id"),)


class DocumentKind(enum.StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOCX = "docx"


class Document(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    checklist_item_id: Mapped[int] = mapped_column(ForeignKey("checklist_item.id"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id"), index=True)
    original_name: Mapped[str] = mapped_column(NFCText(255))
    # The server-made name: the SHA-256 of the content; the file lives at uploads/<sha[:2]>/<sha>.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, 8))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the copy for a blind round could not be made: jurors do not receive the file and the
    # secretariat sees why, so that it can ask for another copy.
    cannot_be_cleaned: Mapped[bool] = mapped_column(default=False, server_default=false())

    nomination: Mapped[Nomination] = relationship(back_populates="documents")
    checklist_item = relationship("ChecklistItem")
    criterion = relationship("Criterion")

    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    @property
    def extension(self) -> str:
        return {"jpeg": "jpg"}.get(self.kind.value, self.kind.value)

    @property
    def download_name(self) -> str:
        """Made by the server from the reference, the checklist item (and criterion) and the type, never from
        what the uploader called the file: `YE-2026-0001_reference-letters_2.pdf`."""
        siblings = sorted((d for d in self.nomination.documents if d.checklist_item_id == self.checklist_item_id
                           and d.criterion_id == self.criterion_id), key=lambda d: d.id or 0)
        number = next((n for n, d in enumerate(siblings, 1) if d is self), 1)
        item = self.checklist_item.code + (f"-{self.criterion.code}" if self.criterion else "")
        reference = self.nomination.reference or f"draft-{self.nomination_id}"
        return f"{reference}_{item.replace('_', '-')}_{number}.{self.extension}"


class DeadlineExtension(Model):
    """The secretariat gives one dossier more time, any number of times, each with its reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    new_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    granted_by = relationship("User")

    __table_args__ = (CheckConstraint("reason <> ''", name="reason"),)


class IndicatorValue(Model):
    """One row of a city entry's indicator table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)

    indicator = relationship("Indicator")
    document = relationship("Document")

    __table_args__ = (
        UniqueConstraint("entry_id", "indicator_id", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )


class EndorsementOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    RETURNED = "returned"


class EndorsementLetter(Model):
    """The endorser's signed official letter (công văn); one letter may cover several dossiers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    number: Mapped[str] = mapped_column(NFCText(60))
    original_name: Mapped[str] = mapped_column(NFCText(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endorser = relationship("User")


class Endorsement(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    outcome: Mapped[EndorsementOutcome] = mapped_column(str_enum(EndorsementOutcome))
    comment: Mapped[str] = mapped_column(Text, default="")
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("endorsement_letter.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endorser = relationship("User")
    letter = relationship("EndorsementLetter")

    __table_args__ = (
        CheckConstraint("outcome = 'returned' OR letter_id IS NOT NULL", name="confirmed_with_letter"),
        CheckConstraint("outcome = 'confirmed' OR comment <> ''", name="returned_with_comment"),
    )
