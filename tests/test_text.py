import unicodedata
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from award_app.columns import NFCText, UTCDateTime
from award_app.extensions import db
from award_app.rounds.models import CalendarDay, CalendarDayKind
from award_app.text import fold, nfc, person_sort_key


def test_search_ignores_diacritics_and_case():
    assert fold("Nguyễn Trãi") == fold("nguyen trai") == "nguyen trai"
    assert fold("ĐÀ NẴNG") == "da nang"
    assert fold("  Trường   THCS ") == "truong thcs"


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_people_sort_by_given_name():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Bình", "Đỗ Thị Thanh Hương"]
    assert sorted(names, key=person_sort_key) == ["Trần Thị An", "Lê Bình", "Nguyễn Văn Bình", "Đỗ Thị Thanh Hương"]


def test_text_is_stored_nfc_whatever_the_keyboard_sent(app):
    decomposed = unicodedata.normalize("NFD", "Tết Nguyên đán")
    assert decomposed != "Tết Nguyên đán"
    db.session.add(CalendarDay(day=datetime(2030, 2, 4).date(), kind=CalendarDayKind.HOLIDAY, name_vi=decomposed,
                               name_en="Lunar New Year"))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(CalendarDay.name_vi).where(CalendarDay.name_en == "Lunar New Year")).one()
    assert stored == "Tết Nguyên đán" == nfc(decomposed)


@given(st.lists(st.sampled_from(["a", "ế", "e\u0301", "Đ", " ", "\t", "\n", "\u00a0", "\u3000", "."])).map("".join))
def test_stored_text_follows_the_same_rule_as_nfc(text):
    """One rule for whitespace and composition, whether a service normalises a value or the column does."""
    assert NFCText().process_bind_param(text, dialect=None) == nfc(text)


def test_a_name_is_stored_without_surrounding_blanks(app):
    typed = "  " + unicodedata.normalize("NFD", "Ngày Môi trường Thế giới") + "\t\n"
    db.session.add(CalendarDay(day=datetime(2030, 6, 5).date(), kind=CalendarDayKind.HOLIDAY, name_vi=typed,
                               name_en="Typed with blanks"))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(CalendarDay.name_vi).where(CalendarDay.name_en == "Typed with blanks")).one()
    assert stored == "Ngày Môi trường Thế giới" == nfc(typed)


def test_a_naive_datetime_is_refused_by_utc_columns():
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), dialect=type("D", (), {"name": "sqlite"})())
