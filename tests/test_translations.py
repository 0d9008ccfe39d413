"""Every message has a Vietnamese and an English translation, and the catalogues know every message
the code and templates use (a test fails when `make translations-extract` was forgotten)."""

from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "award_app" / "translations"


def _catalogue(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def test_every_message_is_translated_in_both_languages():
    template_ids = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    for language in ("vi", "en"):
        catalogue = _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
        missing = [m.id for m in catalogue if m.id and not m.string]
        assert missing == [], f"{language}: {missing[:5]}"
        assert template_ids <= {m.id for m in catalogue if m.id}, language
        # what `pybabel compile` refuses (a placeholder missing or changed) fails here, not in `make`
        assert [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()] == [], language
