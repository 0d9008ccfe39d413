"""Pure rules about dossiers: the states a dossier goes through and the steps between them, age and size
classes, and the checks that block submission.

Sources: ../shared/domain/awards.md (AYECA 18–35 on the closing date; ESC size classes
small 20,000–749,999 and big ≥ 750,000; no city below 20,000).
"""

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l

from award_app.nominations.models import NominationState
from award_app.text import fold

# -- the dossier's life -----------------------------------------------------------------------
# The rule book: draft → submitted → endorsed | returned → (documents requested ⇄ back) → eligible | ineligible
# → under review by the council → awarded | not selected; an award may be revoked after approval; withdrawn
# any time before the result. Only nominations/lifecycle.py moves a dossier, one operation per step below.

S = NominationState

# The applicant may still change the dossier.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# The secretariat screens the dossier, or asks for documents (after endorsement where the round needs it).
AWAITING_SCREENING = frozenset({S.SUBMITTED, S.ENDORSED})
# The secretariat has screened it; the decision may be corrected until jurors are at work on it.
SCREENED = frozenset({S.ELIGIBLE, S.INELIGIBLE})
# In the competition: with the council, ranked, and decided when the round is approved.
COMPETING = frozenset({S.UNDER_REVIEW})
# Jurors may be assigned: eligible dossiers, and those already with the council.
ASSIGNABLE = frozenset({S.ELIGIBLE}) | COMPETING
# The approved result.
DECIDED = frozenset({S.AWARDED, S.NOT_SELECTED, S.REVOKED})
# Withdrawal is possible any time before the result is decided.
WITHDRAWABLE = frozenset(S) - DECIDED - {S.WITHDRAWN}


class Step(enum.StrEnum):
    SUBMIT = "submit"
    ENDORSE = "endorse"
    RETURN_FOR_CORRECTION = "return_for_correction"
    PARK_FOR_DOCUMENTS = "park_for_documents"
    RESUME_AFTER_DOCUMENTS = "resume_after_documents"
    SCREEN = "screen"
    SEND_TO_COUNCIL = "send_to_council"
    DECIDE = "decide"
    REVOKE = "revoke"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[NominationState]
    targets: frozenset[NominationState]


TRANSITIONS: dict[Step, Transition] = {
    Step.SUBMIT: Transition(EDITABLE, frozenset({S.SUBMITTED})),
    Step.ENDORSE: Transition(frozenset({S.SUBMITTED}), frozenset({S.ENDORSED})),
    Step.RETURN_FOR_CORRECTION: Transition(frozenset({S.SUBMITTED}), frozenset({S.RETURNED})),
    Step.PARK_FOR_DOCUMENTS: Transition(AWAITING_SCREENING, frozenset({S.MISSING_DOCUMENTS})),
    # back to the state the request found it in
    Step.RESUME_AFTER_DOCUMENTS: Transition(frozenset({S.MISSING_DOCUMENTS}), AWAITING_SCREENING),
    # a decision may be corrected, or taken again with another reason
    Step.SCREEN: Transition(AWAITING_SCREENING | SCREENED, SCREENED),
    Step.SEND_TO_COUNCIL: Transition(frozenset({S.ELIGIBLE}), frozenset({S.UNDER_REVIEW})),
    Step.DECIDE: Transition(COMPETING, frozenset({S.AWARDED, S.NOT_SELECTED})),
    # a city's dossier has several entries: revoking a second one leaves it revoked
    Step.REVOKE: Transition(frozenset({S.AWARDED, S.REVOKED}), frozenset({S.REVOKED})),
    Step.WITHDRAW: Transition(WITHDRAWABLE, frozenset({S.WITHDRAWN})),
}


def allows(step: Step, old: NominationState, new: NominationState) -> bool:
    transition = TRANSITIONS[step]
    return old in transition.sources and new in transition.targets


def next_states(state: NominationState) -> frozenset[NominationState]:
    """Every state one step of the table leads to from `state`."""
    return frozenset().union(*(t.targets for t in TRANSITIONS.values() if state in t.sources))


STATE_NAMES = {
    S.DRAFT: _l("being prepared"),
    S.SUBMITTED: _l("submitted"),
    S.ENDORSED: _l("endorsed"),
    S.RETURNED: _l("returned for correction"),
    S.MISSING_DOCUMENTS: _l("documents requested"),
    S.ELIGIBLE: _l("eligible"),
    S.INELIGIBLE: _l("ineligible"),
    S.UNDER_REVIEW: _l("under review by the council"),
    S.AWARDED: _l("awarded"),
    S.NOT_SELECTED: _l("not selected"),
    S.WITHDRAWN: _l("withdrawn"),
    S.REVOKED: _l("award revoked"),
}


def illegal_move_message(old: NominationState, new: NominationState):
    return _l("This dossier is “%(old)s”: it cannot become “%(new)s”.", old=STATE_NAMES[old], new=STATE_NAMES[new])

YOUTH_MIN_AGE, YOUTH_MAX_AGE, JUNIOR_MAX_AGE = 18, 35, 25
CITY_MIN_POPULATION, BIG_CITY_POPULATION = 20_000, 750_000
YOUTH_MIN_YEARS_ACTIVE = 2  # active at least 2 of the last 5 years [rule]


def age_on(birth: date, day: date) -> int:
    """Whole years completed on `day` (a person born on 29 Feb turns a year older on 1 Mar)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def youth_category(birth: date, closing_day: date) -> str | None:
    """"junior" (18–25) or "senior" (26–35) by age on the closing date; None outside 18–35."""
    age = age_on(birth, closing_day)
    if age < YOUTH_MIN_AGE or age > YOUTH_MAX_AGE:
        return None
    return "junior" if age <= JUNIOR_MAX_AGE else "senior"


def size_class(population: int) -> str | None:
    """"small" for 20,000–749,999 inhabitants, "big" from 750,000; None below 20,000."""
    if population < CITY_MIN_POPULATION:
        return None
    return "big" if population >= BIG_CITY_POPULATION else "small"


@dataclass(frozen=True)
class ChecklistNeed:
    """What one checklist item asks of a dossier, and how many files it has."""

    name: str
    required: bool
    min_count: int
    max_count: int | None
    have: int


def need_summary(need: ChecklistNeed) -> tuple[bool, str, str]:
    """How a checklist item stands, in words: (enough?, what there is, what is still to do) — "1 of at least 5",
    "4 more needed"."""
    wanted = need.min_count if need.required else 0
    if need.max_count is not None and need.have > need.max_count:
        return False, _l("%(have)d of at most %(most)d", have=need.have, most=need.max_count), _l(
            "remove %(extra)d", extra=need.have - need.max_count)
    if not need.required:
        return True, _l("%(have)d (optional)", have=need.have), ""
    if need.max_count == need.min_count:
        shown = _l("%(have)d of %(wanted)d", have=need.have, wanted=wanted)
    else:
        shown = _l("%(have)d of at least %(wanted)d", have=need.have, wanted=wanted)
    if need.have < wanted:
        return False, shown, _l("%(more)d more needed", more=wanted - need.have)
    return True, shown, ""


def deadline_problems(now: datetime, closes_at: datetime | None) -> list:
    if closes_at is None or now > closes_at:
        return [_l("The deadline for submissions has passed.")]
    return []


def email_problems(submitted_by_applicant: bool, email_confirmed: bool, email: str) -> list:
    """An applicant submits only from an address shown to be theirs; the secretariat entering a paper dossier
    is not held back by it."""
    if submitted_by_applicant and not email_confirmed:
        return [_l("Your e-mail address %(email)s is not confirmed yet: open the link we sent to it, or ask for a "
                   "new one. Your draft stays saved.", email=email)]
    return []


def document_problems(needs: Iterable[ChecklistNeed]) -> list:
    problems = []
    for need in needs:
        wanted = need.min_count if need.required else 0
        if need.have < wanted:
            problems.append(_l("“%(item)s”: %(have)d of at least %(wanted)d files uploaded.",
                               item=need.name, have=need.have, wanted=wanted))
        if need.max_count is not None and need.have > need.max_count:
            problems.append(_l("“%(item)s”: at most %(most)d files, you have %(have)d.",
                               item=need.name, most=need.max_count, have=need.have))
    return problems


def youth_problems(details: Mapping, closing_day: date) -> list:
    problems = []
    birth = details.get("date_of_birth")
    if birth:
        birth_day = date.fromisoformat(birth)
        age = age_on(birth_day, closing_day)
        if youth_category(birth_day, closing_day) is None:
            problems.append(_l("The nominee must be 18 to 35 years old on the closing date (%(day)s); "
                               "they are %(age)d.", day=closing_day.strftime("%d/%m/%Y"), age=age))
    if details.get("citizenship") != "VN":
        problems.append(_l("The nominee must be a Vietnamese citizen."))
    if (details.get("years_active") or 0) < YOUTH_MIN_YEARS_ACTIVE:
        problems.append(_l("The nominee must have been active for at least 2 of the last 5 years."))
    nominee, nominator = fold(details.get("nominee_name") or ""), fold(details.get("nominator_name") or "")
    if nominee and nominator and nominee == nominator:
        problems.append(_l("The nominator must be another person or an organisation, not the nominee."))
    referees = [fold(details.get(f"referee_{n}_name") or "") for n in (1, 2)]
    if any(r and r in (nominee, nominator) for r in referees):
        problems.append(_l("The referees must be people other than the nominee and the nominator."))
    if referees[0] and referees[0] == referees[1]:
        problems.append(_l("The two reference letters must come from two different people."))
    return problems


def city_problems(details: Mapping) -> list:
    problems = []
    population = details.get("population")
    if population is not None and size_class(population) is None:
        problems.append(_l("A city or urban area needs at least 20,000 inhabitants."))
    if not details.get("outcomes"):
        problems.append(_l("Choose at least one outcome: the ESC Award or a Certificate of Recognition category."))
    return problems


@dataclass(frozen=True)
class EntryContent:
    """What a city entry (the ESC Award, or a CoR category) holds besides the dossier's own fields."""

    name: str
    has_narrative: bool
    indicator_values: int


def entry_problems(entries: Iterable[EntryContent]) -> list:
    """Each outcome a city applies for is scored on its own narrative and indicator table: both must be there."""
    problems = []
    for entry in entries:
        if not entry.has_narrative and not entry.indicator_values:
            problems.append(_l("“%(entry)s”: write its narrative and add at least one indicator value (on the "
                               "entry's page).", entry=entry.name))
        elif not entry.has_narrative:
            problems.append(_l("“%(entry)s”: write its narrative (on the entry's page).", entry=entry.name))
        elif not entry.indicator_values:
            problems.append(_l("“%(entry)s”: add at least one indicator value (on the entry's page).",
                               entry=entry.name))
    return problems


def missing_field_problems(fields: Iterable[str | tuple[str, str]]) -> list:
    """A field's label alone: it is empty; (label, message): what was typed is not right, and why."""
    problems = []
    for field in fields:
        if isinstance(field, tuple):
            problems.append(_l("“%(field)s”: %(problem)s", field=field[0], problem=field[1]))
        else:
            problems.append(_l("“%(field)s” is not filled in.", field=field))
    return problems


SIMILARITY = 0.85
# Words every school name shares; they say nothing about which school it is.
GENERIC_WORDS = frozenset({"truong", "tieu", "hoc", "thcs", "thpt", "trung", "co", "so", "pho", "thong", "cap",
                           "lien", "school", "primary", "secondary", "high"})


def _distinctive_words(folded: str) -> set[str]:
    words = folded.replace("(", " ").replace(")", " ").replace(",", " ").replace("-", " ").split()
    return {w for w in words if w not in GENERIC_WORDS}


def similar_names(a: str, b: str) -> bool:
    """Names that may be the same school or person, ignoring diacritics, case, generic words and extra
    words: "Trường THCS Nguyễn Trãi" ~ "THCS Nguyen Trai (Hà Nội)"."""
    left, right = fold(a), fold(b)
    if not left or not right:
        return False
    if SequenceMatcher(None, left, right).ratio() >= SIMILARITY:
        return True
    shorter, longer = sorted((_distinctive_words(left), _distinctive_words(right)), key=len)
    return len(shorter) >= 2 and shorter <= longer


# Words a name may start with that say what it is, not which one: stripped before names are compared.
SCHOOL_NAME_PREFIXES = ("truong", "tieu hoc", "trung hoc co so", "trung hoc pho thong", "thcs", "thpt", "th",
                        "pho thong", "lien cap", "va", "school", "primary", "lower secondary", "upper secondary",
                        "secondary", "high")
CITY_NAME_PREFIXES = ("thanh pho", "tp", "thi xa", "tx", "do thi", "khu do thi", "city of", "city", "town of")


def normalised_name(name: str, prefixes: Iterable[str] = ()) -> str:
    """A name as compared for duplicates: without diacritics, case, punctuation and the leading words that only say
    what it is — "Trường THCS Nguyễn Trãi" and "THCS Nguyen Trai" are both "nguyen trai"."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(name or "")).split()
    leading = sorted((p.split() for p in prefixes), key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for prefix in leading:
            if len(words) > len(prefix) and words[:len(prefix)] == prefix:
                words, stripped = words[len(prefix):], True
                break
    return " ".join(words)


DOSSIER_KEY_LENGTH = 400


def dossier_key(name: str, prefixes: Iterable[str] = (), level: str | None = None) -> str:
    """What one applicant may enter once per round: the normalised name (of the school, nominee or city) and, for
    schools, the level. "" while neither is typed: a dossier with no name yet (one such draft at a time)."""
    normalised = normalised_name(name, prefixes)
    if not normalised and not level:
        return ""
    key = normalised if level is None else f"{normalised}|{level or ''}"
    return key[:DOSSIER_KEY_LENGTH]


def base_key(key: str) -> str:
    """A dossier key without the "#<id>" that set apart duplicates made before the rule (see migration
    onedossier01)."""
    return key.split("#", 1)[0]


def honoured_identity(programme: str, details: Mapping) -> str:
    """Who a dossier is about, as a winner recorded from ASEAN's result is kept on the list of those already
    honoured: a school's name and province, a young person's name and date of birth (accents, case and spacing
    ignored); "" when the dossier does not say, or for a city (cities are not excluded)."""
    if programme == "eco_school":
        name, other = fold(details.get("school_name") or ""), details.get("province_id") or ""
    elif programme == "youth":
        name, other = fold(details.get("nominee_name") or ""), details.get("date_of_birth") or ""
    else:
        return ""
    return f"{programme}|{name}|{other}" if name and other else ""


def honoured_refusal(name: str, year: int | None, detail: str):
    return _l("“%(name)s” was already honoured at ASEAN level (%(detail)s, %(year)s): the rules exclude it from "
              "later rounds.", name=name, detail=detail, year=year or "")
