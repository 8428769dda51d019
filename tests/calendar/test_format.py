"""Dates written for people, and the catalog entries that make them bilingual."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.calendar.format import format_date, format_lunar, format_range
from bot.calendar.lunar import LunarDate
from bot.i18n import LOCALES_DIR, current_lang, use_lang

D = dt.date
FORMAT_PY = Path(__file__).resolve().parents[2] / "bot" / "calendar" / "format.py"
VI_PO = LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "Thứ Năm, 18 tháng 2, 2027 (13 tháng Giêng âm lịch)"),
        ("en", "Thursday, 18 February 2027 (13th day of the 1st lunar month)"),
    ],
)
def test_format_date(lang: str, expected: str) -> None:
    assert format_date(D(2027, 2, 18), lang) == expected


def test_format_date_without_lunar() -> None:
    assert format_date(D(2026, 11, 26), "vi", with_lunar=False) == "Thứ Năm, 26 tháng 11, 2026"
    assert format_date(D(2026, 11, 29), "en", with_lunar=False) == "Sunday, 29 November 2026"


def test_dates_outside_the_lunar_tables_show_the_solar_date_alone() -> None:
    assert format_date(D(1850, 1, 1), "en") == "Tuesday, 1 January 1850"


@pytest.mark.parametrize(
    ("lunar", "vi", "en"),
    [
        (LunarDate(2027, 1, 1), "1 tháng Giêng âm lịch", "1st day of the 1st lunar month"),
        (LunarDate(2026, 12, 23), "23 tháng Chạp âm lịch", "23rd day of the 12th lunar month"),
        (LunarDate(2027, 8, 2), "2 tháng 8 âm lịch", "2nd day of the 8th lunar month"),
        (LunarDate(2027, 3, 11), "11 tháng 3 âm lịch", "11th day of the 3rd lunar month"),
        (LunarDate(2027, 10, 12), "12 tháng 10 âm lịch", "12th day of the 10th lunar month"),
        (LunarDate(2027, 11, 13), "13 tháng 11 âm lịch", "13th day of the 11th lunar month"),
        (LunarDate(2027, 2, 21), "21 tháng 2 âm lịch", "21st day of the 2nd lunar month"),
        (LunarDate(2027, 4, 22), "22 tháng 4 âm lịch", "22nd day of the 4th lunar month"),
        (
            LunarDate(2020, 4, 30, leap=True),
            "30 tháng 4 nhuận âm lịch",
            "30th day of the leap 4th lunar month",
        ),
    ],
)
def test_format_lunar(lunar: LunarDate, vi: str, en: str) -> None:
    assert format_lunar(lunar, "vi") == vi
    assert format_lunar(lunar, "en") == en


@pytest.mark.parametrize(
    ("start", "end", "vi", "en"),
    [
        (
            D(2027, 2, 17),
            D(2027, 2, 18),
            "17–18 tháng 2, 2027 (12–13 tháng Giêng âm lịch)",
            "17–18 February 2027 (12th–13th days of the 1st lunar month)",
        ),
        (
            D(2027, 9, 10),
            D(2027, 9, 20),
            "10–20 tháng 9, 2027 (10–20 tháng 8 âm lịch)",
            "10–20 September 2027 (10th–20th days of the 8th lunar month)",
        ),
        (
            D(2027, 1, 30),
            D(2027, 2, 8),
            "30 tháng 1 – 8 tháng 2, 2027 (23 tháng Chạp âm lịch – 3 tháng Giêng âm lịch)",
            "30 January – 8 February 2027"
            " (23rd day of the 12th lunar month – 3rd day of the 1st lunar month)",
        ),
        (
            D(2026, 12, 30),
            D(2027, 1, 2),
            "30 tháng 12, 2026 – 2 tháng 1, 2027 (22–25 tháng 11 âm lịch)",
            "30 December 2026 – 2 January 2027 (22nd–25th days of the 11th lunar month)",
        ),
    ],
)
def test_format_range(start: dt.date, end: dt.date, vi: str, en: str) -> None:
    assert format_range(start, end, "vi") == vi
    assert format_range(start, end, "en") == en


def test_a_one_day_range_is_a_date() -> None:
    assert format_range(D(2027, 2, 18), D(2027, 2, 18), "vi") == format_date(D(2027, 2, 18), "vi")


def test_range_without_lunar_and_backwards_range() -> None:
    assert (
        format_range(D(2027, 3, 15), D(2027, 3, 17), "en", with_lunar=False) == "15–17 March 2027"
    )
    with pytest.raises(ValueError, match="before it starts"):
        format_range(D(2027, 3, 17), D(2027, 3, 15), "en")


def test_formatting_leaves_the_current_language_alone() -> None:
    with use_lang("en"):
        format_date(D(2027, 2, 18), "vi")
        assert current_lang() == "en"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_vi_catalog_covers_every_msgid_with_matching_placeholders() -> None:
    with VI_PO.open("rb") as fp:
        catalog = read_po(fp, locale="vi")
    extracted = {message for _, message, _, _ in extract_from_file("python", str(FORMAT_PY))}
    translated = {m.id: m.string for m in catalog if m.id in extracted}
    assert set(translated) == extracted
    for msgid, msgstr in translated.items():
        assert isinstance(msgid, str) and isinstance(msgstr, str)
        assert msgstr, f"{msgid!r} has no Vietnamese translation"
        assert _placeholders(msgstr) == _placeholders(msgid), msgid
