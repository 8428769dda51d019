"""The pieces date phrases are read with: the window and match models, the Vietnamese and
English words for months, days and seasons, and the window arithmetic the resolvers share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bot.calendar.lunar import lunar_to_solar, month_length, solar_to_lunar

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DateWindow:
    """Days ``start``..``end`` inclusive; ``label`` is a canonical key such as
    "month:2027-02", "weekend" or "lunar-month:1"."""

    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """A window and where its phrase sits in the *folded* text, so it can be cut out."""

    window: DateWindow
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Query:
    folded: str
    typed: str | None  # NFC, case-folded user text, when it lines up with ``folded``
    accented: bool
    today: dt.date

    def word(self, m: re.Match[str], group: str) -> str | None:
        """How the user typed a matched group, or None when diacritics cannot tell.

        Folding merges words that differ only by their marks ("tháng sau" = next month,
        "tháng sáu" = June); a user who types with marks tells them apart.
        """
        if self.typed is None or not self.accented or m.group(group) is None:
            return None
        start, end = m.span(group)
        return self.typed[start:end]


_Resolver = Callable[[re.Match[str], _Query], DateWindow | None]

_VI_MONTHS = {
    "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12,
}  # fmt: skip
_VI_LUNAR_MONTHS = {**_VI_MONTHS, "gieng": 1, "chap": 12}
_VI_DAYS = {k: v for k, v in _VI_MONTHS.items() if v <= 10}  # "mùng một" .. "mùng mười"
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# Month names that are also common words need a cue ("in May", "May 2027").
_EN_NEEDS_CUE = frozenset({"may", "sep"})
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_VI_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_VI_MARKED = {"tu": "tư", "nam": "năm", "sau": "sáu", "bay": "bảy"}
_SEASONS = {
    "xuan": "spring", "he": "summer", "ha": "summer", "thu": "autumn", "dong": "winter",
    "spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
    "winter": "winter",
}  # fmt: skip
_SEASON_FIRST_MONTH = {"spring": 2, "summer": 5, "autumn": 8, "winter": 11}
# Named festivals on fixed lunar days, so "Tết Trung thu" is not read as Lunar New Year.
_FESTIVALS = {
    "trung thu": (8, 15), "mid autumn": (8, 15), "mid-autumn": (8, 15),
    "doan ngo": (5, 5), "nguyen tieu": (1, 15), "han thuc": (3, 3), "vu lan": (7, 15),
    "trung nguyen": (7, 15), "ong cong ong tao": (12, 23), "ong tao": (12, 23),
}  # fmt: skip
# Other "Tết ..." that are neither Lunar New Year nor in _FESTIVALS.
_OTHER_TET = ("thanh minh", "ha nguyen", "thuong tan", "com", "chol", "khmer", "lao")


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "muoi mot" wins over "muoi"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM_MONTH = r"1[0-2]|0?[1-9]"
_VI_MONTH = rf"(?P<m>{_NUM_MONTH}|{_alt(_VI_MONTHS)})\b(?!\s+lan\b)"  # not "tháng hai lần"
_VI_YEAR = (
    r"(?:(?:\s*[/,-]\s*|\s+(?:nam\s+)?)(?P<y>\d{4})\b"
    r"|\s+(?P<nam>nam)\s+(?P<rel>nay|sau|toi)\b|\s+(?:sap\s+)?toi\b)?"
)
_EN_MONTH = rf"(?P<name>{_alt(_EN_MONTHS)})\b\.?"
_EN_YEAR = r"(?:,?\s+(?P<y>\d{4})\b)?"
_ORD = r"(?:st|nd|rd|th)"
_EN_LUNAR = rf"(?P<m>\d{{1,2}}{_ORD}|{_alt(_EN_ORDINALS)})\s+lunar\s+month\b"
_AL = r"\s*\(?\s*(?P<al>am lich|am|al)\b\)?"
_NOT_ORDINAL = "".join(
    f"(?<!{w} )" for w in ("lan", "ngay", "dem", "hang", "buoc", "phan", "lop", "tang", "tap")
)


def _month_value(token: str, words: Mapping[str, int]) -> int:
    """Month (or day) number of "2", "02", "2nd" or a word from ``words``."""
    if token[0].isdigit():
        return int(token.rstrip("stndrh"))
    return words[token]


def _month_window(year: int, month: int) -> DateWindow:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return DateWindow(first, following - _DAY, f"month:{year:04d}-{month:02d}")


def _upcoming_month(q: _Query, month: int, strictly_after: bool = False) -> DateWindow:
    later = month > q.today.month or (month == q.today.month and not strictly_after)
    return _month_window(q.today.year if later else q.today.year + 1, month)


def _year_window(year: int) -> DateWindow:
    return DateWindow(dt.date(year, 1, 1), dt.date(year, 12, 31), f"year:{year}")


def _single_day(d: dt.date) -> DateWindow:
    return DateWindow(d, d, f"day:{d.isoformat()}")


def _solar_day(q: _Query, month: int, day: int, year: int | None) -> DateWindow | None:
    if year is not None:
        return _single_day(dt.date(year, month, day))
    # Eight years always reach a 29 February.
    for candidate in range(q.today.year, q.today.year + 9):
        try:
            d = dt.date(candidate, month, day)
        except ValueError:
            continue
        if d >= q.today:
            return _single_day(d)
    return None


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def _weekday_window(q: _Query, weekday: int, next_week: bool) -> DateWindow:
    if next_week:
        return _single_day(_next_monday(q.today) + dt.timedelta(days=weekday))
    return _single_day(q.today + dt.timedelta(days=(weekday - q.today.weekday()) % 7))


def _lunar_years(q: _Query, year: int | None) -> list[int]:
    """Lunar years to try: the one asked for, else this lunar year and the next."""
    if year is not None:
        return [year]
    current = solar_to_lunar(q.today).year
    return [current, current + 1]


def _lunar_month(q: _Query, month: int, year: int | None) -> DateWindow | None:
    if not 1 <= month <= 12:
        return None
    for y in _lunar_years(q, year):
        start = lunar_to_solar(y, month, 1)
        end = start + dt.timedelta(days=month_length(y, month) - 1)
        if end >= q.today or year is not None:
            return DateWindow(start, end, f"lunar-month:{month}")
    return None


def _lunar_day(q: _Query, month: int, day: int, year: int | None) -> DateWindow | None:
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    for y in _lunar_years(q, year):
        # Day 30 of a month that has 29 days this year is its last day (e.g. Tết's eve).
        d = lunar_to_solar(y, month, min(day, month_length(y, month)))
        if d >= q.today or year is not None:
            return DateWindow(d, d, f"lunar-day:{month}-{day}")
    return None


def _year_of(m: re.Match[str]) -> int | None:
    return int(m["y"]) if m.groupdict().get("y") else None
