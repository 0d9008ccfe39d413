"""Pure rules of the package to ASEAN: what each nominee must send, what is still missing, the quotas, and how
the files are named and listed with their SHA-256.

Sources (../shared/domain/awards.md, "To ASEAN"): AYECA — a nomination form per category, the nominee's CV, at
least two testimonials by people other than the nominator, 1 profile photo and at least 5 action photos, one
Junior and one Senior per country; Eco-schools — the application against the four areas of the ASEAN
Guidelines, one Primary and one Secondary school per country; ESC — the city's application with its indicator
tables, one city for the ESC Award and at most one big and one small city per Certificate-of-Recognition
category. Counts are the defaults of a round's settings, never constants the code relies on.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from award_app.text import fold

FILE_KINDS = "pdf,jpeg,png,docx"
DOCUMENT_KINDS = "pdf,docx"
PHOTO_KINDS = "jpeg,png"


def _requirement(code, name_vi, name_en, asean_name, accepted, *, required=True, min_count=1, max_count=None,
                 national_item="", needs_author=False) -> dict:
    return {"code": code, "name_vi": name_vi, "name_en": name_en, "asean_name": asean_name, "accepted": accepted,
            "required": required, "min_count": min_count if required else 0, "max_count": max_count,
            "national_item": national_item, "needs_author": needs_author}


# What a new call asks of each nominee, beyond the English texts and the nomination form the platform makes.
DEFAULT_REQUIREMENTS: dict[str, list[dict]] = {
    # [rule] CV, ≥ 2 testimonials by people other than the nominator, 1 profile photo, ≥ 5 action photos
    "youth": [
        _requirement("cv", "Sơ yếu lý lịch bằng tiếng Anh", "Curriculum vitae in English", "CV", DOCUMENT_KINDS,
                     max_count=1),
        _requirement("testimonials", "Thư xác nhận bằng tiếng Anh (không phải của người đề cử)",
                     "Testimonials in English (not by the nominator)", "Testimonial", DOCUMENT_KINDS, min_count=2,
                     needs_author=True),
        _requirement("profile_photo", "Ảnh chân dung", "Profile photo", "Profile_photo", PHOTO_KINDS, max_count=1,
                     national_item="profile_photo"),
        _requirement("action_photos", "Ảnh hoạt động", "Action photos", "Action_photo", PHOTO_KINDS, min_count=5,
                     national_item="action_photos"),
        _requirement("publications", "Ấn phẩm, giải thưởng, bài báo", "Publications, awards, media coverage",
                     "Publication", FILE_KINDS, required=False, national_item="publications"),
    ],
    # [rule] the application against the four areas of the ASEAN Guidelines on Eco-schools (the English texts)
    "eco_school": [
        _requirement("photos", "Ảnh hoạt động môi trường của nhà trường", "Photos of the school's environmental "
                     "activities", "Photo", PHOTO_KINDS, required=False),
        _requirement("supporting_documents", "Tài liệu minh chứng bằng tiếng Anh", "Supporting documents in English",
                     "Supporting_document", FILE_KINDS, required=False),
    ],
    # [rule] the city's application with its indicator tables (the English texts and the tables)
    "city": [
        _requirement("city_profile", "Hồ sơ giới thiệu đô thị", "City profile", "City_profile", DOCUMENT_KINDS,
                     required=False, max_count=1, national_item="city_profile"),
        _requirement("supporting_documents", "Tài liệu minh chứng bằng tiếng Anh", "Supporting documents in English",
                     "Supporting_document", FILE_KINDS, required=False),
    ],
}

# The organiser as an English letter names it [rule: the ministry's names since 2022].
ORGANISER_EN = {
    "Bộ Nông nghiệp và Môi trường": "Ministry of Agriculture and Environment",
    "Bộ Tài nguyên và Môi trường": "Ministry of Natural Resources and Environment",
    "Tổng cục Môi trường": "Viet Nam Environment Administration",
}
ADDRESSEE = "ASEAN Secretariat, Environment Division"
# Winners of these programmes are excluded from later rounds [rule]; cities are not.
EXCLUDES_WINNERS = frozenset({"eco_school", "youth"})
# The top folder of the package, as ASEAN names the award.
PACKAGE_NAMES = {"eco_school": "ASEAN-Eco-schools", "youth": "AYECA", "city": "ASEAN-ESC"}

OUTCOME_NAMES = {
    "award": _l("ASEAN award"),
    "certificate_of_recognition": _l("ASEAN Certificate of Recognition"),
    "not_selected": _l("not selected by ASEAN"),
}
SIZE_NAMES = {"small": _l("small city"), "big": _l("big city")}


# -- the English texts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EnglishField:
    """A text ASEAN reads in English: the key it is kept under, its label, and the national (Vietnamese) text."""

    key: str
    label: str
    source: str


NAME_KEY = "name"


def english_fields(programme: str, details: Mapping, criteria: Sequence[tuple[str, str]],
                   entries: Sequence[tuple[str, str, str]]) -> list[EnglishField]:
    """The name as ASEAN will print it, each narrative field of the dossier, and each criterion text (an
    eco-school's self-assessment per area); for a city, the narrative of each nominated entry.
    `criteria`: (code, label); `entries`: (group code, label, narrative)."""
    name_source = str(details.get({"eco_school": "school_name", "youth": "nominee_name"}.get(programme, "city_name"))
                      or "")
    fields = [EnglishField(NAME_KEY, str(_l("Name in English, as ASEAN will print it")), name_source)]
    if programme == "eco_school":
        fields += [EnglishField(f"assessment_{code}", str(_l("Self-assessment: %(criterion)s", criterion=label)),
                                str(details.get(f"assessment_{code}") or "")) for code, label in criteria]
    elif programme == "youth":
        fields.append(EnglishField("achievements", str(_l("Main achievements")),
                                   str(details.get("achievements") or "")))
    else:
        fields.append(EnglishField("narrative", str(_l("Summary of the city's environmental results")),
                                   str(details.get("narrative") or "")))
        fields += [EnglishField(f"entry_{code}", str(_l("Narrative of this entry")) + f" – {label}", narrative)
                   for code, label, narrative in entries]
    return fields


def english_gaps(fields: Iterable[EnglishField], english: Mapping[str, str]) -> list:
    return [_l("English: “%(field)s” is not written yet.", field=f.label) for f in fields
            if not str(english.get(f.key) or "").strip()]


# -- the documents ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequirementNeed:
    """What one requirement asks of a nominee and what it has: the authors of the files the supplement sent
    ("" for a file with no author named), and how many national files serve when it sent none."""

    name: str
    required: bool
    min_count: int
    max_count: int | None
    needs_author: bool
    authors: tuple[str, ...]
    national: int

    @property
    def have(self) -> int:
        """The files sent, else the national ones; never national files for a requirement whose files name their
        authors (the national dossier says no author per file)."""
        if self.needs_author:
            return len(self.authors)
        return len(self.authors) or self.national


def requirement_gaps(need: RequirementNeed, nominee: str, nominator: str) -> list:
    problems = []
    wanted = need.min_count if need.required else 0
    if need.have < wanted:
        problems.append(_l("“%(item)s”: %(have)d of at least %(wanted)d files.", item=need.name, have=need.have,
                           wanted=wanted))
    if need.max_count is not None and need.have > need.max_count:
        problems.append(_l("“%(item)s”: at most %(most)d files, there are %(have)d.", item=need.name,
                           most=need.max_count, have=need.have))
    if need.needs_author:
        problems += author_gaps(need.name, need.authors, nominee, nominator)
    return problems


def author_gaps(item: str, authors: Sequence[str], nominee: str, nominator: str) -> list:
    """Each file names its author, none is the nominee or the nominator, and no two are by the same person
    (accents, case and spacing ignored)."""
    problems = []
    seen: set[str] = set()
    for number, author in enumerate(authors, start=1):
        folded = fold(author)
        if not folded:
            problems.append(_l("“%(item)s”: file %(number)d does not name its author.", item=item, number=number))
        elif folded == fold(nominator):
            problems.append(_l("“%(item)s”: “%(author)s” is the nominator; it must come from someone else.",
                               item=item, author=author))
        elif folded == fold(nominee):
            problems.append(_l("“%(item)s”: “%(author)s” is the nominee; it must come from someone else.",
                               item=item, author=author))
        elif folded in seen:
            problems.append(_l("“%(item)s”: two files are by “%(author)s”; each must come from a different person.",
                               item=item, author=author))
        seen.add(folded)
    return problems


def nominee_gaps(fields: Sequence[EnglishField], english: Mapping[str, str], needs: Iterable[RequirementNeed],
                 nominee: str, nominator: str) -> list:
    """Everything this nominee's part of the package still lacks, all at once."""
    problems = english_gaps(fields, english)
    for need in needs:
        problems += requirement_gaps(need, nominee, nominator)
    return problems


# -- the country's list ---------------------------------------------------------------------------

def quota_gaps(counts: Mapping[str, int], quotas: Mapping[str, tuple[str, int]]) -> list:
    """`counts`: nominees per ASEAN category; `quotas`: category → (name, how many ASEAN takes). A category
    without a quota takes none."""
    problems = []
    for category, have in sorted(counts.items()):
        name, most = quotas.get(category, (category, 0))
        if have > most:
            problems.append(_l("“%(category)s”: %(have)d nominees, ASEAN takes at most %(most)d from a country.",
                               category=name, have=have, most=most))
    return problems


def call_gaps(*, deadline: date | None, supplement_due_on: date | None, organiser_en: str, addressee: str,
              signer_name: str, signer_title: str, nominees: int) -> list:
    problems = []
    if nominees == 0:
        problems.append(_l("The approved decision names no ASEAN nominee."))
    if deadline is None:
        problems.append(_l("ASEAN's deadline is not set."))
    if supplement_due_on is not None and deadline is not None and supplement_due_on >= deadline:
        problems.append(_l("The supplements must be due before ASEAN's deadline."))
    for value, label in ((organiser_en, _l("the organiser's name in English")), (addressee, _l("the addressee")),
                         (signer_name, _l("the signer's name")), (signer_title, _l("the signer's title"))):
        if not value.strip():
            problems.append(_l("The cover letter lacks %(what)s.", what=label))
    return problems


def due_date_problem(due_on: date | None, deadline: date | None, today: date) -> str | None:
    """The supplements are due after today and before ASEAN's deadline."""
    if due_on is None or deadline is None:
        return str(_l("Set ASEAN's deadline and the date the supplements are due first."))
    if due_on >= deadline:
        return str(_l("The supplements must be due before ASEAN's deadline."))
    if due_on <= today:
        return str(_l("The supplements must be due after today."))
    return None


# -- names in the package and the manifest -------------------------------------------------------------

def ascii_name(text: str, most: int = 60) -> str:
    """"Trường Tiểu học Kim Đồng" → "Truong-Tieu-hoc-Kim-Dong": letters, digits and hyphens only."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"-+", "-", plain).strip("-")[:most].strip("-") or "nominee"


def nominee_folder(position: int, category: str, name: str) -> str:
    return f"{position:02d}_{ascii_name(category, 40)}_{ascii_name(name)}"


def file_name(position: int, asean_name: str, number: int, of: int, extension: str) -> str:
    """"03_Testimonial_2.pdf"; a requirement with one file has no number: "02_CV.pdf"."""
    suffix = f"_{number}" if of > 1 else ""
    return f"{position:02d}_{ascii_name(asean_name, 40)}{suffix}.{extension}"


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def manifest(files: Iterable[tuple[str, str]]) -> str:
    """Every file of the package with its SHA-256, in the format `sha256sum --check` reads: `<hash>  <path>`."""
    return "".join(f"{digest}  {path}\n" for path, digest in files)
