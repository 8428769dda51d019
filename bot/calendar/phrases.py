"""Date windows named in a question: "cuối tuần này", "tháng Giêng", "next February", "19/5"."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from bot.calendar.lunar import tet
from bot.calendar.month_parts import part_of_month
from bot.calendar.phrase_parts import (
    _AL,
    _DAY,
    _EN_LUNAR,
    _EN_MONTH,
    _EN_MONTHS,
    _EN_NEEDS_CUE,
    _EN_ORDINALS,
    _EN_WEEKDAYS,
    _EN_YEAR,
    _FESTIVALS,
    _NOT_ORDINAL,
    _NUM_MONTH,
    _ORD,
    _OTHER_TET,
    _SEASON_FIRST_MONTH,
    _SEASONS,
    _VI_DAYS,
    _VI_LUNAR_MONTHS,
    _VI_MARKED,
    _VI_MONTH,
    _VI_MONTHS,
    _VI_WEEKDAYS,
    _VI_YEAR,
    DateWindow,
    PhraseMatch,
    _alt,
    _lunar_day,
    _lunar_month,
    _lunar_years,
    _month_value,
    _month_window,
    _next_monday,
    _Query,
    _Resolver,
    _solar_day,
    _upcoming_month,
    _weekday_window,
    _year_of,
    _year_window,
)
from bot.text.fold import fold

# -- resolvers, one per kind of phrase --------------------------------------------------


def _today(m: re.Match[str], q: _Query) -> DateWindow:
    return DateWindow(q.today, q.today, "today")


def _tomorrow(m: re.Match[str], q: _Query) -> DateWindow:
    return DateWindow(q.today + _DAY, q.today + _DAY, "tomorrow")


def _weekend(m: re.Match[str], q: _Query) -> DateWindow:
    if q.today.weekday() == 6:  # on a Sunday "this weekend" is what is left of it: today
        return DateWindow(q.today, q.today, "weekend")
    saturday = q.today + dt.timedelta(days=5 - q.today.weekday())
    return DateWindow(saturday, saturday + _DAY, "weekend")


def _next_weekend(m: re.Match[str], q: _Query) -> DateWindow:
    saturday = _next_monday(q.today) + dt.timedelta(days=5)
    return DateWindow(saturday, saturday + _DAY, "next-weekend")


def _this_week(m: re.Match[str], q: _Query) -> DateWindow:
    return DateWindow(q.today, q.today + dt.timedelta(days=6 - q.today.weekday()), "week")


def _next_week(m: re.Match[str], q: _Query) -> DateWindow:
    monday = _next_monday(q.today)
    return DateWindow(monday, monday + dt.timedelta(days=6), "next-week")


def _this_month(m: re.Match[str], q: _Query) -> DateWindow:
    return _month_window(q.today.year, q.today.month)


def _next_month(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "sau") == "sáu":  # "tháng sáu" is June
        return None
    return _upcoming_month(q, q.today.month % 12 + 1, strictly_after=True)


def _this_year(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "nam") not in (None, "năm"):  # "Nam" (south), not "năm" (year)
        return None
    return _year_window(q.today.year)


def _next_year(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "nam") not in (None, "năm"):
        return None
    return _year_window(q.today.year + 1)


def _explicit_year(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "nam") not in (None, "năm") or not 1900 <= int(m["y"]) <= 2100:
        return None
    return _year_window(int(m["y"]))


def _vi_month(m: re.Match[str], q: _Query) -> DateWindow | None:
    if m["m"] == "sau" and q.word(m, "m") != "sáu":  # unmarked "tháng sau": next month
        return None
    if q.word(m, "nam") not in (None, "năm"):
        return None
    month = _month_value(m["m"], _VI_MONTHS)
    if (year := _year_of(m)) is not None:
        return _month_window(year, month)
    if m["rel"] is not None:
        return _month_window(q.today.year + (0 if m["rel"] == "nay" else 1), month)
    return _upcoming_month(q, month)


def _en_month(m: re.Match[str], q: _Query) -> DateWindow | None:
    if m["name"] in _EN_NEEDS_CUE and not (m["mod"] or m["y"]):
        return None
    month = _EN_MONTHS[m["name"]]
    if (year := _year_of(m)) is not None:
        return _month_window(year, month)
    return _upcoming_month(q, month, strictly_after=m["mod"] == "next")


def _numeric_month(m: re.Match[str], q: _Query) -> DateWindow:
    return _month_window(int(m["y"]), int(m["m"]))


def _vi_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    day, token = int(m["d"]), m["m"]
    if token == "sau" and q.word(m, "m") != "sáu":  # "19 tháng sau": the 19th next month
        following = _upcoming_month(q, q.today.month % 12 + 1, strictly_after=True)
        return _solar_day(q, following.start.month, day, following.start.year)
    year = _year_of(m)
    if year is None and m["rel"] is not None:
        year = q.today.year + (0 if m["rel"] == "nay" else 1)
    return _solar_day(q, _month_value(token, _VI_MONTHS), day, year)


def _numeric_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    return _solar_day(q, int(m["m"]), int(m["d"]), _year_of(m))


def _en_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    return _solar_day(q, _EN_MONTHS[m["name"]], int(m["d"]), _year_of(m))


def _day_range(m: re.Match[str], q: _Query) -> DateWindow | None:
    """ "between 10 and 20 February 2027", "từ 10 đến 20 tháng 2": both days in one month."""
    groups = m.groupdict()
    if groups.get("name"):
        month = _EN_MONTHS[groups["name"]]
    else:
        month = _month_value(groups["m"], _VI_MONTHS)
    last = _solar_day(q, month, int(m["d2"]), _year_of(m))
    if last is None:
        return None
    first = dt.date(last.start.year, month, int(m["d1"]))
    if first > last.start:
        return None
    return DateWindow(first, last.start, f"range:{first.isoformat()}:{last.start.isoformat()}")


def _vi_lunar_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    token = m["m"]
    if not (m["ram"] or m["al"] or token in ("gieng", "chap")):
        return None  # a plain "10 tháng 3" is solar
    if token == "sau" and q.word(m, "m") not in (None, "sáu"):
        return None
    day = 15 if m["ram"] else int(m["d"]) if m["d"] else _VI_DAYS[m["dw"]]
    return _lunar_day(q, _month_value(token, _VI_LUNAR_MONTHS), day, _year_of(m))


def _numeric_lunar_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    if m["al"] == "am" and q.word(m, "al") != "âm":  # unmarked "am" may be English
        return None
    return _lunar_day(q, int(m["m"]), int(m["d"]), None)


def _en_lunar_day(m: re.Match[str], q: _Query) -> DateWindow | None:
    return _lunar_day(q, _month_value(m["m"], _EN_ORDINALS), int(m["d"]), None)


def _vi_lunar_month(m: re.Match[str], q: _Query) -> DateWindow | None:
    if not (m["al"] or m["m"] in ("gieng", "chap")):
        return None
    return _lunar_month(q, _month_value(m["m"], _VI_LUNAR_MONTHS), _year_of(m))


def _en_lunar_month(m: re.Match[str], q: _Query) -> DateWindow | None:
    month = int(m["n"]) if m["n"] else _month_value(m["m"], _EN_ORDINALS)
    return _lunar_month(q, month, None)


def _tet(m: re.Match[str], q: _Query) -> DateWindow | None:
    year = _year_of(m)
    if m["rel"] in ("sau", "toi"):  # "Tết năm sau": the Tết of next (solar) year
        year = q.today.year + 1
    for y in _lunar_years(q, year):
        first = tet(y)
        if first + dt.timedelta(days=6) >= q.today or year is not None:
            return DateWindow(first, first + dt.timedelta(days=6), "tet")
    return None


def _festival(m: re.Match[str], q: _Query) -> DateWindow | None:
    month, day = _FESTIVALS[m["f"]]
    return _lunar_day(q, month, day, None)


def _new_year(m: re.Match[str], q: _Query) -> DateWindow | None:
    return _solar_day(q, 1, 1, None)


def _season(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "mua") not in (None, "mùa"):  # "mưa xuân" is spring rain
        return None
    if q.word(m, "nam") not in (None, "năm"):
        return None
    season = _SEASONS[m["s"]]
    mod = m.groupdict().get("mod")
    if m["s"] == "fall" and not (mod or m["y"]):
        return None
    first = _SEASON_FIRST_MONTH[season]
    upcoming = mod == "next" or m.groupdict().get("rel") in ("sau", "toi")
    years = [int(m["y"])] if m["y"] else list(range(q.today.year - 1, q.today.year + 2))
    for year in years:
        # Three months from ``first``; winter runs from November into next January.
        start = dt.date(year, first, 1)
        end = _month_window(year + (first + 1) // 12, (first + 1) % 12 + 1).end
        if (start > q.today if upcoming else end >= q.today) or m["y"]:
            return DateWindow(start, end, f"season:{season}")
    return None


def _en_weekday(m: re.Match[str], q: _Query) -> DateWindow:
    return _weekday_window(q, _EN_WEEKDAYS[m["wd"]], next_week=m["mod"] == "next")


def _vi_weekday(m: re.Match[str], q: _Query) -> DateWindow | None:
    if q.word(m, "thu") not in (None, "thứ"):
        return None
    number = m["n"]
    if number is None:
        weekday = 6  # chủ nhật
    elif number.isdigit():
        weekday = int(number) - 2
    else:
        if q.word(m, "n") not in (None, _VI_MARKED.get(number, number)):
            return None
        weekday = _VI_WEEKDAYS[number]
    return _weekday_window(q, weekday, next_week=m["rel"] in ("sau", "tuan sau", "tuan toi"))


_NOT_NAM = "(?<!viet )(?<!ha )(?<!quang )(?<!mien )"  # Việt Nam, Hà Nam, miền Nam ...

_RULES: tuple[tuple[re.Pattern[str], _Resolver], ...] = tuple(
    (re.compile(pattern), resolver)
    for pattern, resolver in (
        (r"\b(?:hom nay|bua nay|today|tonight)\b", _today),
        (r"\b(?:ngay mai|tomorrow)\b", _tomorrow),
        (r"\b(?:(?:this |the )?weekend|cuoi tuan(?: nay)?)\b", _weekend),
        (r"\b(?:next weekend|cuoi tuan (?:sau|toi))\b", _next_weekend),
        (r"\b(?:this week|tuan nay)\b", _this_week),
        (r"\b(?:next week|tuan (?:sau|toi))\b", _next_week),
        (r"\b(?:this month|thang nay)\b", _this_month),
        (r"\b(?:next month|thang (?P<sau>sau)|thang (?:sap )?toi)\b", _next_month),
        (rf"\b(?:this year|{_NOT_NAM}(?P<nam>nam) nay)\b", _this_year),
        (rf"\b(?:next year|{_NOT_NAM}(?P<nam>nam) (?:sau|toi)|sang nam)\b", _next_year),
        (rf"\b(?:{_NOT_NAM}(?P<nam>nam)|in|year|during)\s+(?P<y>\d{{4}})\b", _explicit_year),
        (rf"\bthang\s+{_VI_MONTH}{_VI_YEAR}", _vi_month),
        (rf"\b(?:(?P<mod>next|this|in|during|early|late|mid)\s+)?{_EN_MONTH}{_EN_YEAR}", _en_month),
        (r"\b(?P<m>0?[1-9]|1[0-2])/(?P<y>\d{4})\b", _numeric_month),
        (r"\b(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])\b(?!-\d)", _numeric_month),
        (rf"\b(?:(?:ngay|mung|mong)\s+)?(?P<d>\d{{1,2}})\s+thang\s+{_VI_MONTH}{_VI_YEAR}", _vi_day),
        (
            r"\b(?:ngay\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?\b(?!/\d)"
            r"(?!\s*(?:ngay|days?|dem|nights?|gio|hours?)\b)",  # "1/2 ngày" is half a day
            _numeric_day,
        ),
        (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", _numeric_day),
        (rf"\b(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}?(?:\s+of)?\s+{_EN_MONTH}{_EN_YEAR}", _en_day),
        (
            rf"\b(?:between|from)\s+(?:the\s+)?(?P<d1>\d{{1,2}}){_ORD}?\s+(?:and|to|-|until)\s+"
            rf"(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD}?(?:\s+of)?\s+{_EN_MONTH}{_EN_YEAR}",
            _day_range,
        ),
        (
            rf"\btu\s+(?:ngay\s+)?(?P<d1>\d{{1,2}})\s+(?:den|toi)\s+(?:ngay\s+)?"
            rf"(?P<d2>\d{{1,2}})\s+thang\s+{_VI_MONTH}{_VI_YEAR}",
            _day_range,
        ),
        (rf"\b{_EN_MONTH}\s+(?P<d>\d{{1,2}}){_ORD}?\b{_EN_YEAR}", _en_day),
        (
            rf"\b(?:(?P<ram>ram)|(?:(?:ngay|mung|mong)\s+)?(?P<d>\d{{1,2}})"
            rf"|(?:mung|mong)\s+(?P<dw>{_alt(_VI_DAYS)}))"
            rf"\s+thang\s+(?P<m>{_NUM_MONTH}|{_alt(_VI_LUNAR_MONTHS)})\b(?:{_AL})?"
            r"(?:\s+nam\s+(?P<y>\d{4})\b)?",
            _vi_lunar_day,
        ),
        (
            rf"\b(?:(?:ngay|mung|mong)\s+)?(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}}){_AL}",
            _numeric_lunar_day,
        ),
        (
            rf"\b(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}?\s+day\s+of\s+(?:the\s+)?{_EN_LUNAR}",
            _en_lunar_day,
        ),
        (
            rf"\bthang\s+(?P<m>{_NUM_MONTH}|{_alt(_VI_LUNAR_MONTHS)})\b(?:{_AL})?"
            r"(?:\s+nam\s+(?P<y>\d{4})\b)?",
            _vi_lunar_month,
        ),
        (rf"\b(?:the\s+)?{_EN_LUNAR}|\blunar\s+month\s+(?P<n>1[0-2]|[1-9])\b", _en_lunar_month),
        (
            r"(?<!banh )\b(?:tet(?:\s+nguyen\s+dan|\s+am\s+lich|\s+co\s+truyen)?"
            r"|(?:lunar|vietnamese|chinese)\s+new\s+year)\b"
            rf"(?!\s+(?:{_alt(_FESTIVALS)}|{_alt(_OTHER_TET)}|duong lich|tay)\b)"
            r"(?:(?:\s+nam)?\s+(?P<y>\d{4})\b|\s+(?:nam\s+)?(?P<rel>nay|sau|toi)\b)?",
            _tet,
        ),
        (rf"\b(?:tet\s+)?(?P<f>{_alt(_FESTIVALS)})\b", _festival),
        (r"\b(?:tet\s+(?:duong\s+lich|tay)|new\s+year'?s\s+day)\b", _new_year),
        (
            r"\b(?P<mua>mua)\s+(?P<s>xuan|he|ha|thu|dong)\b"
            r"(?:\s+(?P<nam>nam)\s+(?P<y>\d{4})\b|\s+(?:nam\s+)?(?P<rel>nay|sau|toi)\b)?",
            _season,
        ),
        (
            r"\b(?:(?P<mod>next|this|in|during|in\s+the|during\s+the|the)\s+)?"
            r"(?<!hot )(?<!mineral )(?<!thermal )(?P<s>spring|summer|autumn|fall|winter)\b"
            r"(?!\s+rolls?\b)(?:\s+(?P<y>\d{4})\b)?",
            _season,
        ),
        (
            rf"\b(?:(?P<mod>this|next|on|coming|this\s+coming)\s+)?(?P<wd>{_alt(_EN_WEEKDAYS)})\b",
            _en_weekday,
        ),
        (
            rf"{_NOT_ORDINAL}\b(?:(?P<thu>thu)\s+(?P<n>[2-7]|{_alt(_VI_WEEKDAYS)})|chu\s+nhat)\b"
            r"(?:\s+(?P<rel>tuan\s+nay|tuan\s+sau|tuan\s+toi|nay|sau|toi)\b)?",
            _vi_weekday,
        ),
    )
)


def find_window(text: str, today: dt.date) -> PhraseMatch | None:
    """The date window named in ``text`` (raw user text), resolved against ``today``.

    Matching runs on ``fold(text)``, so marks are optional. When several phrases
    match, the longest wins ("tháng 2 năm 2027" over "năm 2027"), then the first.
    """
    folded = fold(text)
    typed = unicodedata.normalize("NFC", text).casefold()
    aligned = typed if len(typed) == len(folded) else None
    query = _Query(folded, aligned, aligned is not None and aligned != folded, today)
    best: PhraseMatch | None = None
    for pattern, resolve in _RULES:
        for m in pattern.finditer(folded):
            if best is not None and (m.end() - m.start(), -m.start()) <= (
                best.span[1] - best.span[0],
                -best.span[0],
            ):
                continue
            try:
                window = resolve(m, query)
            except ValueError:
                # Impossible dates ("31/2") and years beyond the lunar tables are no window.
                continue
            if window is not None:
                best = PhraseMatch(window, m.span())
    return part_of_month(folded, best)
