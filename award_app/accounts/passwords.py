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

from zxcvbn import matching, scoring, zxcvbn

from award_app.accounts.password_words import COMMON
from award_app.clock import today_in_vietnam

# zxcvbn looks every password up in its lists; this one is added to them once, for every caller.
LOCAL_LIST = "vietnamese"
matching.add_frequency_lists({LOCAL_LIST: list(dict.fromkeys(COMMON))})
# zxcvbn 4.5 knows years up to 2019 (and counts from 2017): "Matkhau@2026" had its year guessed as four random
# digits, a thousand times harder than it is. Every year of this century is a year, counted from this one.
matching.REGEXEN["recent_year"] = re.compile(r"19\d\d|20\d\d")
scoring.REFERENCE_YEAR = today_in_vietnam().year

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
    LOCAL = "local"              # Vietnamese words, cities and names, the award's and the ministry's own
    PREDICTABLE = "predictable"  # anything else zxcvbn finds guessable


@dataclass(frozen=True)
class Verdict:
    weakness: Weakness | None
    score: int  # zxcvbn's 0–4 (0 when too short to be worth measuring)

    @property
    def ok(self) -> bool:
        return self.weakness is None


def _unaccented(text: str) -> str:
    """Vietnamese diacritics taken off (đ → d, Đ → D), everything else kept: "Mật khẩu" → "Mat khau"."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


def _plain(text: str) -> str:
    """Lower case, Vietnamese diacritics taken off (đ → d), letters and digits only."""
    return "".join(c for c in _unaccented(text.lower()) if c.isalnum())


def site_words(*names: str) -> list[str]:
    """The platform's own names (the ministry's, in both languages) whole, without their short words, and in
    pieces of one and two words: "Bộ Nông nghiệp và Môi trường" → bonongnghiepvamoitruong,
    nongnghiepmoitruong, nongnghiep, moitruong, nong, nghiep, moi, truong…"""
    words = set()
    for name in names:
        pieces = [_plain(piece) for piece in name.split()]
        words |= {"".join(pieces), "".join(p for p in pieces if len(p) >= 3)}
        words |= set(pieces) | {a + b for a, b in zip(pieces, pieces[1:], strict=False)}
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


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


def _weakest_pattern(result: dict, personal: list[str]) -> Weakness:
    """What made zxcvbn's guess easy: the match that needed the fewest guesses. A word of the user inputs is
    the person's own, or else one of the platform's."""
    matches = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not matches:
        return Weakness.PREDICTABLE
    match = min(matches, key=lambda m: m["guesses"])
    if match["pattern"] == "dictionary":
        if match["dictionary_name"] == "user_inputs":
            return Weakness.PERSONAL if match["matched_word"] in personal else Weakness.LOCAL
        return {"passwords": Weakness.COMMON, LOCAL_LIST: Weakness.LOCAL}.get(match["dictionary_name"], Weakness.WORDS)
    return {"spatial": Weakness.KEYBOARD, "repeat": Weakness.REPEATED, "sequence": Weakness.SEQUENCE,
            "date": Weakness.DATE, "regex": Weakness.DATE}.get(match["pattern"], Weakness.PREDICTABLE)


SEPARATORS = re.compile(r"[\s._-]+")


def _measure(password: str, user_inputs: list[str]) -> dict:
    """zxcvbn's verdict on the password as typed, without its diacritics, and in lower case without the spaces,
    dots, dashes and underscores between its words, whichever is weakest: "Mật khẩu" is guessed as soon as
    "Mat khau" is, and "Mat.Khau-2026" as soon as "matkhau2026" (zxcvbn alone counts each separator and each
    capital as extra work, which a guesser trying "word, separator, word" with capitals does not have)."""
    measured = password[:MEASURED_LENGTH]
    variants = (measured, _unaccented(measured), SEPARATORS.sub("", _unaccented(measured)).lower())
    results = [zxcvbn(text, user_inputs=user_inputs, max_length=MEASURED_LENGTH)
               for text in dict.fromkeys(v for v in variants if v)]
    return min(results, key=lambda r: r["guesses"])


def weakness(password: str, *, full_name: str = "", email: str = "", platform_words: list[str] = ()) -> Verdict:
    """Refuses a password shorter than 10 characters, built from the person's name or e-mail, or that zxcvbn
    (told the person's name and address, and the platform's own words) scores below 3; zxcvbn's lists here
    also hold the Vietnamese words, places and names guessed first (password_words.COMMON)."""
    if len(password) < MIN_LENGTH:
        return Verdict(Weakness.TOO_SHORT, 0)
    words = personal_words(full_name, email)
    result = _measure(password, words + [w for w in platform_words if w not in words])
    if _is_personal(password, words):
        return Verdict(Weakness.PERSONAL, min(result["score"], MIN_SCORE - 1))
    if result["score"] < MIN_SCORE:
        return Verdict(_weakest_pattern(result, words), result["score"])
    return Verdict(None, result["score"])
