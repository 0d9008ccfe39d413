"""Vietnamese text rules: NFC storage, search without diacritics, sorting by given name."""

import unicodedata
from typing import overload


@overload
def nfc(value: str) -> str: ...
@overload
def nfc(value: None) -> None: ...
def nfc(value: str | None) -> str | None:
    """The one rule for stored text (columns.NFCText applies it too): NFC-normalised, without surrounding
    blanks; the spaces inside are kept as typed."""
    return unicodedata.normalize("NFC", value).strip() if value is not None else None


def fold(value: str) -> str:
    """Lower-case without diacritics: "Nguyễn Trãi" → "nguyen trai" (đ → d too)."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


def person_sort_key(full_name: str) -> tuple[str, str]:
    """Vietnamese names sort by the given name (the last word), then the whole name."""
    folded = fold(full_name)
    given = folded.rsplit(" ", 1)[-1] if folded else ""
    return (given, folded)
