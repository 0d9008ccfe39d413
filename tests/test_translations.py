"""Every message has a Vietnamese and an English translation, and the catalogues know every message
the code and templates use (a test fails when `make translations-extract` was forgotten)."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "award_app" / "translations"


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


def _messages_in_the_code() -> set[str]:
    """What `make translations-extract` would find, read afresh from the code and the templates."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for folder in (ROOT, ROOT / "templates" / "_macros"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_code_is_in_both_catalogues():
    in_code = _messages_in_the_code()
    for language in ("vi", "en"):
        known = {m.id if isinstance(m.id, str) else m.id[0]
                 for m in _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po") if m.id}
        assert sorted(in_code - known) == [], language
