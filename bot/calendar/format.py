"""Solar and lunar dates written out for people, in Vietnamese or English."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date as _babel_format_date

from bot.calendar.lunar import LunarDate, solar_to_lunar
from bot.i18n import _, current_lang, use_lang


def _ordinal(n: int) -> str:
    # English picks a suffix by the number; other languages translate all four alike.
    if n % 10 == 1 and n % 100 != 11:
        # Translators: an ordinal number, "1st"; Vietnamese writes the bare number.
        return _("{n}st").format(n=n)
    if n % 10 == 2 and n % 100 != 12:
        # Translators: an ordinal number, "2nd"; Vietnamese writes the bare number.
        return _("{n}nd").format(n=n)
    if n % 10 == 3 and n % 100 != 13:
        # Translators: an ordinal number, "3rd"; Vietnamese writes the bare number.
        return _("{n}rd").format(n=n)
    # Translators: an ordinal number, "4th", "11th"; Vietnamese writes the bare number.
    return _("{n}th").format(n=n)


def _lunar_month_name(month: int, leap: bool) -> str:
    if month == 1:
        # Translators: the first lunar month has its own name in Vietnamese (Giêng).
        name = _("1st lunar month")
    elif month == 12:
        # Translators: the twelfth lunar month has its own name in Vietnamese (Chạp).
        name = _("12th lunar month")
    else:
        # Translators: {ordinal} is "4th" in English, "4" in Vietnamese.
        name = _("{ordinal} lunar month").format(ordinal=_ordinal(month))
    # Translators: an intercalary month; {month} is a lunar month name such as "4th lunar month".
    return _("leap {month}").format(month=name) if leap else name


def _solar(d: dt.date, pattern: str) -> str:
    return _babel_format_date(d, pattern, locale=current_lang())


def _lunar_of(d: dt.date) -> LunarDate | None:
    try:
        return solar_to_lunar(d)
    except ValueError:  # outside the lunar tables: show the solar date alone
        return None


def format_lunar(ld: LunarDate, lang: str) -> str:
    """A lunar date: "13 tháng Giêng âm lịch" / "13th day of the 1st lunar month"."""
    with use_lang(lang):
        # Translators: a lunar date; {day} is "13th" in English, "13" in Vietnamese.
        return _("{day} day of the {month}").format(
            day=_ordinal(ld.day), month=_lunar_month_name(ld.month, ld.leap)
        )


# Pure functions of their arguments (the catalogs are loaded once): event lists format the
# same few dates over and over, and Babel's formatting is not cheap.
@lru_cache(maxsize=4096)
def format_date(d: dt.date, lang: str, with_lunar: bool = True) -> str:
    """A full solar date with its lunar date in parentheses:
    "Thứ Năm, 18 tháng 2, 2027 (13 tháng Giêng âm lịch)"."""
    with use_lang(lang):
        # Translators: a Babel (CLDR) date pattern for a full date with the weekday.
        solar = _solar(d, _("EEEE, d MMMM y"))
        lunar = _lunar_of(d) if with_lunar else None
        return f"{solar} ({format_lunar(lunar, lang)})" if lunar else solar


@lru_cache(maxsize=4096)
def format_range(start: dt.date, end: dt.date, lang: str, with_lunar: bool = True) -> str:
    """Days ``start``..``end``, sharing the month and year when they can:
    "17–18 tháng 2, 2027 (12–13 tháng Giêng âm lịch)"."""
    if end < start:
        raise ValueError(f"range ends ({end}) before it starts ({start})")
    if end == start:
        return format_date(start, lang, with_lunar)
    with use_lang(lang):
        # Translators: a Babel (CLDR) date pattern for a day, month and year.
        full = _("d MMMM y")
        if (start.year, start.month) == (end.year, end.month):
            solar = f"{_solar(start, 'd')}–{_solar(end, full)}"
        elif start.year == end.year:
            # Translators: a Babel (CLDR) date pattern for a day and month, no year.
            day_month = _("d MMMM")
            solar = f"{_solar(start, day_month)} – {_solar(end, full)}"
        else:
            solar = f"{_solar(start, full)} – {_solar(end, full)}"
        first, last = (_lunar_of(start), _lunar_of(end)) if with_lunar else (None, None)
        if first is None or last is None:
            return solar
        if (first.year, first.month, first.leap) == (last.year, last.month, last.leap):
            # Translators: lunar days of one month; {first} and {last} as in "{day} day of...".
            lunar = _("{first}–{last} days of the {month}").format(
                first=_ordinal(first.day),
                last=_ordinal(last.day),
                month=_lunar_month_name(first.month, first.leap),
            )
        else:
            lunar = f"{format_lunar(first, lang)} – {format_lunar(last, lang)}"
        return f"{solar} ({lunar})"
