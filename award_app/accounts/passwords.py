"""The password rule, in one place: every way a password is set (registration, change, reset, an
administrator's first password, the create-admin command) asks `weakness`. Pure: no Flask, no network —
zxcvbn ships its lists of common passwords, words and names, and nothing is fetched at run time.

Why a zxcvbn score of at least 3: a score of 3 means about 10^8 guesses or more, out of reach of an online
attacker (sign-in is throttled) and expensive offline against scrypt should the hashes ever leak; a score of 2
is within reach of an offline attack. Ten characters is the floor whatever the score."""

import enum
import re
import unicodedata
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10
# zxcvbn's time grows fast with the length: only the first 100 characters are measured (a strong start is
# a strong password; nobody needs a weak start followed by 100 strong characters).
MEASURED_LENGTH = 100
MIN_SCORE = 3
MAX_SCORE = 4
# What may be left of a password once the user's name, e-mail, digits and punctuation are taken out, and it
# still counts as "built from the user's name or e-mail".
MIN_OWN_LETTERS = 4


class Weakness(enum.StrEnum):
    TOO_SHORT = "too_short"
    PERSONAL = "personal"        # the user's own name or e-mail address
    COMMON = "common"            # a common password, or close to one
    KEYBOARD = "keyboard"        # qwerty, 1qaz2wsx…
    REPEATED = "repeated"        # aaaaaa, abcabcabc
    SEQUENCE = "sequence"        # abcdef, 123456
    DATE = "date"                # years and dates
    WORDS = "words"              # common words or names, alone
    PREDICTABLE = "predictable"  # anything else zxcvbn finds guessable


@dataclass(frozen=True)
class Verdict:
    weakness: Weakness | None
    score: int  # zxcvbn's 0–4 (0 when too short to be worth measuring)

    @property
    def ok(self) -> bool:
        return self.weakness is None


def _plain(text: str) -> str:
    """Lower case, Vietnamese diacritics taken off (đ → d), letters and digits only."""
    text = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def personal_words(full_name: str = "", email: str = "") -> list[str]:
    """The pieces of a name and an address someone could build a password from: "Nguyễn Văn Thử",
    "thu.nguyen@truong.edu.vn" → nguyen, van, thu, nguyenvanthu, thunguyen, truong, edu…"""
    local, _, domain = (email or "").strip().lower().partition("@")
    pieces = full_name.split() + re.split(r"[^\w]+", local) + domain.split(".")
    words = {_plain(piece) for piece in pieces} | {_plain(full_name), _plain(local)}
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


def _is_personal(password: str, words: list[str]) -> bool:
    rest = _plain(password)
    for word in words:  # longest first
        rest = rest.replace(word, "")
    letters_left = sum(c.isalpha() for c in rest)
    return letters_left < MIN_OWN_LETTERS and len(_plain(password)) > len(rest)


def _weakest_pattern(result: dict) -> Weakness:
    """What made zxcvbn's guess easy: the match that needed the fewest guesses."""
    matches = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not matches:
        return Weakness.PREDICTABLE
    match = min(matches, key=lambda m: m["guesses"])
    if match["pattern"] == "dictionary":
        return {"passwords": Weakness.COMMON, "user_inputs": Weakness.PERSONAL}.get(
            match["dictionary_name"], Weakness.WORDS)
    return {"spatial": Weakness.KEYBOARD, "repeat": Weakness.REPEATED, "sequence": Weakness.SEQUENCE,
            "date": Weakness.DATE, "regex": Weakness.DATE}.get(match["pattern"], Weakness.PREDICTABLE)


def weakness(password: str, *, full_name: str = "", email: str = "") -> Verdict:
    """Refuses a password shorter than 10 characters, built from the person's name or e-mail, or that zxcvbn
    (told the person's name and address) scores below 3."""
    if len(password) < MIN_LENGTH:
        return Verdict(Weakness.TOO_SHORT, 0)
    words = personal_words(full_name, email)
    result = zxcvbn(password[:MEASURED_LENGTH], user_inputs=words, max_length=MEASURED_LENGTH)
    if _is_personal(password, words):
        return Verdict(Weakness.PERSONAL, min(result["score"], MIN_SCORE - 1))
    if result["score"] < MIN_SCORE:
        return Verdict(_weakest_pattern(result), result["score"])
    return Verdict(None, result["score"])
