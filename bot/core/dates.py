"""Answers to date questions: today's lunar date, "Tết 2027", "rằm tháng Giêng năm nay",
"15/8 âm lịch là ngày nào", "20/2/2027 là ngày bao nhiêu âm lịch".

The date phrase is read by ``bot.calendar.phrases``; the question is a date question only
when every other word of it is a question word ("là ngày nào", "when is", "năm nay"), so
"lễ hội tháng Giêng" or "Hội Lim rằm tháng Giêng" stay with the content search.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.calendar.format import format_date, format_lunar
from bot.calendar.lunar import (
    MAX_YEAR,
    MIN_YEAR,
    LunarDate,
    lunar_to_solar,
    month_length,
    solar_to_lunar,
)
from bot.calendar.phrase_parts import _VI_DAYS
from bot.calendar.phrases import find_window
from bot.core import events
from bot.core.models import Button, Reply
from bot.core.payloads import Page
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.text.fold import fold, tokens

# Words that only make a date phrase a question ("Tết 2027 là ngày nào?").
_QUESTION_WORDS = frozenset(
    "la ngay nao bao nhieu gi vao thu may nam nay sau toi duong lich am al hom mai cua "
    "tet nguyen dan ban oi a nhi vay the khi thang "
    "when is was will be what which date day falls fall on does do the of in this next "
    "year it lunar solar calendar gregorian please tell me full moon".split()
)
_THIS_YEAR = re.compile(r"\b(?:nam nay|this year)\b")
_NEXT_YEAR = re.compile(r"\b(?:nam (?:sau|toi)|sang nam|next year)\b")
_YEAR = re.compile(r"\b(19\d\d|20\d\d|2100)\b")
# "âm" alone is enough: every other word of the question is a question word.
_LUNAR_CUE = re.compile(r"\b(?:am lich|lich am|am|lunar)\b")
_WEEKDAY_CUE = re.compile(r"\b(?:thu may|what day|which day|day of the week|weekday)\b")
# Phrases the date-phrase reader leaves to us.
_FULL_MOON = re.compile(r"\bfirst full moon\b|\bfull moon of the (?:lunar )?new year\b")
_DAY_OF_TET = re.compile(rf"\b(?:mung|mong)\s+(?P<d>[1-9]|10|{'|'.join(_VI_DAYS)})\s+tet\b")


def lunar_day_reply(day: dt.date, lang: str) -> Reply:
    """ "Thứ Tư, 2 tháng 12, 2026 là 24 tháng 10 âm lịch." """
    lunar = solar_to_lunar(day)
    with use_lang(lang):
        # The day/month figures as Vietnamese calendars print them ("3/2"), besides the
        # ordinal words that English needs.
        text = _("{date} is {lunar} ({day}/{month} in the lunar calendar).").format(
            date=format_date(day, lang, with_lunar=False),
            lunar=format_lunar(lunar, lang),
            day=lunar.day,
            month=lunar.month,
        )
        return Reply(text=text, lang=lang, buttons=_events_button(day, day))


def date_answer(text: str, today: dt.date, lang: str) -> Reply | None:
    """The answer to a question about a date itself, or None when ``text`` is not one."""
    folded = fold(text)
    try:
        with use_lang(lang):
            return _answer(folded, text, today, lang)
    except ValueError:  # a year beyond the lunar tables, a day the month lacks
        return None


def _answer(folded: str, text: str, today: dt.date, lang: str) -> Reply | None:
    if m := _DAY_OF_TET.search(folded):
        day = int(m["d"]) if m["d"].isdigit() else _VI_DAYS[m["d"]]
        return _lunar_day(1, day, folded, today, lang) if _only_question(folded, m.span()) else None
    if m := _FULL_MOON.search(folded):
        return _lunar_day(1, 15, folded, today, lang) if _only_question(folded, m.span()) else None
    match = find_window(text, today)
    if match is None or not _only_question(folded, match.span):
        return None
    window, label = match.window, match.window.label
    kind, _sep, arg = label.partition(":")
    if kind in ("today", "tomorrow"):
        return lunar_day_reply(window.start, lang) if _LUNAR_CUE.search(folded) else None
    if kind == "tet":
        year = _year_asked(folded, today) or solar_to_lunar(window.start).year
        return _lunar_day(1, 1, folded, today, lang, year)
    if kind == "lunar-day":
        month, day = (int(x) for x in arg.split("-"))
        if "full moon" in folded:
            day = 15
        return _lunar_day(month, day, folded, today, lang, solar_to_lunar(window.start).year)
    if kind == "lunar-month" and "full moon" in folded:
        return _lunar_day(int(arg), 15, folded, today, lang, solar_to_lunar(window.start).year)
    if kind == "day" and (_LUNAR_CUE.search(folded) or _WEEKDAY_CUE.search(folded)):
        return _solar_day(window.start, lang)
    return None


def _only_question(folded: str, span: tuple[int, int]) -> bool:
    """Whether every word outside the date phrase is a question word or a year."""
    rest = tokens(folded[: span[0]] + " " + folded[span[1] :])
    return all(w in _QUESTION_WORDS or _YEAR.fullmatch(w) for w in rest)


def _year_asked(folded: str, today: dt.date) -> int | None:
    """The year the question names: "năm 2027", "năm nay", "next year", else None."""
    if m := _YEAR.search(folded):
        return int(m[1])
    if _THIS_YEAR.search(folded):
        return today.year
    if _NEXT_YEAR.search(folded):
        return today.year + 1
    return None


def _solar_of(year: int, month: int, day: int) -> dt.date:
    # Day 30 of a month that has 29 days that year is its last day (Tết's eve).
    return lunar_to_solar(year, month, min(day, month_length(year, month)))


def _lunar_day(
    month: int, day: int, folded: str, today: dt.date, lang: str, default: int | None = None
) -> Reply | None:
    """When lunar ``day``/``month`` falls in the year asked (this lunar year and the next
    when it has passed), else in ``default`` or the next one to come."""
    asked = _year_asked(folded, today)
    year = asked if asked is not None else default
    if year is None:
        year = solar_to_lunar(today).year
        if _solar_of(year, month, day) < today:
            year += 1
    if not MIN_YEAR <= year < MAX_YEAR:
        return None
    when = _solar_of(year, month, day)
    name = _name(month, day, year, lang)
    if when < today and asked is not None and asked >= today.year:
        upcoming = _solar_of(year + 1, month, day)
        text = _("{name} was on {date}; next: {next}.").format(
            name=name,
            date=format_date(when, lang, with_lunar=False),
            next=format_date(upcoming, lang, with_lunar=False),
        )
        when = upcoming
    elif when == today:
        text = _("{name} is today, {date}.").format(
            name=name, date=format_date(when, lang, with_lunar=False)
        )
    else:
        text = _("{name} falls on {date}.").format(
            name=name, date=format_date(when, lang, with_lunar=False)
        )
    last = when + dt.timedelta(days=6) if (month, day) == (1, 1) else when
    return Reply(text=text, lang=lang, buttons=_events_button(when, last))


def _name(month: int, day: int, year: int, lang: str) -> str:
    if (month, day) == (1, 1):
        return _("Lunar New Year (Tết) {year}").format(year=year)
    lunar = format_lunar(LunarDate(year, month, day), lang)
    # Translators: {lunar} is "15th day of the 1st lunar month" / "15 tháng Giêng âm lịch".
    return _("The {lunar}, {year},").format(lunar=lunar, year=year)


def _solar_day(day: dt.date, lang: str) -> Reply:
    """A solar day with its weekday and lunar date."""
    return Reply(text=format_date(day, lang) + ".", lang=lang, buttons=_events_button(day, day))


def _events_button(first: dt.date, last: dt.date) -> tuple[tuple[Button, ...], ...]:
    key = events.page_key(first, last, set())
    return ((Button(_("Festivals then"), payload=Page(key, 0).pack()),),)
