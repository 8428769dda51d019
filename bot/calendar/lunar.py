"""The Vietnamese lunar calendar (âm lịch), computed from Meeus's algorithms for UTC+7."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

MIN_YEAR = 1900
MAX_YEAR = 2100

# Vietnam's calendar is reckoned in UTC+7 (since 1968; before that the North used
# UTC+8 like China, so a few historical dates before 1968 may differ from old almanacs).
_TZ_DAYS = 7 / 24
# Julian Date at 0h UT of the day whose proleptic Gregorian ordinal is 0.
_JD_ORDINAL0 = 1721424.5
_SYNODIC_MONTH = 29.530588861
_JDE_NEW_MOON0 = 2451550.09766  # mean new moon k = 0 (2000-01-06), Meeus (49.1)

# Meeus table 49.A, new moon column: (coefficient, power of E, multipliers of M, M', F, Ω).
_NEW_MOON_TERMS: tuple[tuple[float, int, int, int, int, int], ...] = (
    (-0.40720, 0, 0, 1, 0, 0),
    (0.17241, 1, 1, 0, 0, 0),
    (0.01608, 0, 0, 2, 0, 0),
    (0.01039, 0, 0, 0, 2, 0),
    (0.00739, 1, -1, 1, 0, 0),
    (-0.00514, 1, 1, 1, 0, 0),
    (0.00208, 2, 2, 0, 0, 0),
    (-0.00111, 0, 0, 1, -2, 0),
    (-0.00057, 0, 0, 1, 2, 0),
    (0.00056, 1, 1, 2, 0, 0),
    (-0.00042, 0, 0, 3, 0, 0),
    (0.00042, 1, 1, 0, 2, 0),
    (0.00038, 1, 1, 0, -2, 0),
    (-0.00024, 1, -1, 2, 0, 0),
    (-0.00017, 0, 0, 0, 0, 1),
    (-0.00007, 0, 2, 1, 0, 0),
    (0.00004, 0, 0, 2, -2, 0),
    (0.00004, 0, 3, 0, 0, 0),
    (0.00003, 0, 1, 1, -2, 0),
    (0.00003, 0, 0, 2, 2, 0),
    (-0.00003, 0, 1, 1, 2, 0),
    (0.00003, 0, -1, 1, 2, 0),
    (-0.00002, 0, -1, 1, -2, 0),
    (-0.00002, 0, 1, 3, 0, 0),
    (0.00002, 0, 0, 4, 0, 0),
)

# Meeus chapter 49, additional corrections A2..A14: (coefficient, A at k = 0, A per
# lunation). A1 also has a T² term, so it is computed apart.
_PLANETARY_TERMS: tuple[tuple[float, float, float], ...] = (
    (0.000165, 251.88, 0.016321),
    (0.000164, 251.83, 26.651886),
    (0.000126, 349.42, 36.412478),
    (0.000110, 84.66, 18.206239),
    (0.000062, 141.74, 53.303771),
    (0.000060, 207.14, 2.453732),
    (0.000056, 154.84, 7.306860),
    (0.000047, 34.52, 27.261239),
    (0.000042, 207.19, 0.121824),
    (0.000040, 291.34, 1.844379),
    (0.000037, 161.72, 24.198154),
    (0.000035, 239.56, 25.513099),
    (0.000023, 331.55, 3.592518),
)


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; ``leap`` marks the intercalary month."""

    year: int
    month: int
    day: int
    leap: bool = False


class InvalidLunarDate(ValueError):
    """A lunar date that does not exist, such as a leap month the year lacks."""


class _Month(NamedTuple):
    year: int  # the lunar year the month belongs to
    number: int
    leap: bool
    start: int  # date ordinal of day 1
    end: int  # date ordinal of day 1 of the following month


def _sin(degrees: float) -> float:
    return math.sin(math.radians(degrees))


def _delta_t_days(jde: float) -> float:
    """TT − UT in days: the Espenak–Meeus polynomials, good to seconds in 1860–2150."""
    y = 2000 + (jde - 2451545.0) / 365.25
    if y < 1900:
        t = y - 1860
        seconds = (
            7.62
            + 0.5737 * t
            - 0.251754 * t**2
            + 0.01680668 * t**3
            - 0.0004473624 * t**4
            + t**5 / 233174
        )
    elif y < 1920:
        t = y - 1900
        seconds = -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4
    elif y < 1941:
        t = y - 1920
        seconds = 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    elif y < 1961:
        t = y - 1950
        seconds = 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    elif y < 1986:
        t = y - 1975
        seconds = 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    elif y < 2005:
        t = y - 2000
        seconds = (
            63.86
            + 0.3345 * t
            - 0.060374 * t**2
            + 0.0017275 * t**3
            + 0.000651814 * t**4
            + 0.00002373599 * t**5
        )
    elif y < 2050:
        t = y - 2000
        seconds = 62.92 + 0.32217 * t + 0.005589 * t**2
    else:
        seconds = -20 + 32 * ((y - 1820) / 100) ** 2 - 0.5628 * (2150 - y)
    return seconds / 86400


def _new_moon_jde(k: int) -> float:
    """Instant (Julian Ephemeris Day, TT) of true new moon number ``k``, Meeus chapter 49."""
    t = k / 1236.85
    jde = (
        _JDE_NEW_MOON0
        + _SYNODIC_MONTH * k
        + 0.00015437 * t**2
        - 0.000000150 * t**3
        + 0.00000000073 * t**4
    )
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    m = 2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3
    mp = 201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4
    f = 160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4
    omega = 124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3
    for coef, e_power, i_m, i_mp, i_f, i_omega in _NEW_MOON_TERMS:
        jde += coef * e**e_power * _sin(i_m * m + i_mp * mp + i_f * f + i_omega * omega)
    jde += 0.000325 * _sin(299.77 + 0.107408 * k - 0.009173 * t**2)
    for coef, a0, rate in _PLANETARY_TERMS:
        jde += coef * _sin(a0 + rate * k)
    return jde


def _sun_longitude(jde: float) -> float:
    """The sun's apparent ecliptic longitude in degrees, Meeus chapter 25 (about 0.01°)."""
    t = (jde - 2451545.0) / 36525
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t**2
    m = 357.52911 + 35999.05029 * t - 0.0001537 * t**2
    center = (
        (1.914602 - 0.004817 * t - 0.000014 * t**2) * _sin(m)
        + (0.019993 - 0.000101 * t) * _sin(2 * m)
        + 0.000289 * _sin(3 * m)
    )
    omega = 125.04 - 1934.136 * t
    return (l0 + center - 0.00569 - 0.00478 * _sin(omega)) % 360


def _new_moon_day(k: int) -> int:
    """Date ordinal of the UTC+7 day on which new moon ``k`` falls."""
    jde = _new_moon_jde(k)
    return math.floor(jde - _delta_t_days(jde) - _JD_ORDINAL0 + _TZ_DAYS)


def _sun_at_midnight(ordinal: int) -> float:
    """Sun longitude at 00:00 UTC+7 starting the day ``ordinal``."""
    jd_ut = ordinal + _JD_ORDINAL0 - _TZ_DAYS
    return _sun_longitude(jd_ut + _delta_t_days(jd_ut))


def _term_sector(ordinal: int) -> int:
    """Which 30° sector the sun is in at the start of a day; a month whose first day
    and following month's first day share a sector contains no principal term."""
    return int(_sun_at_midnight(ordinal) // 30)


@lru_cache(maxsize=512)
def _month11_lunation(year: int) -> int:
    """Number ``k`` of the new moon starting month 11, the month of the December solstice."""
    ordinal = dt.date(year, 12, 1).toordinal()
    # Start two lunations before the new moon nearest 1 December: safely in autumn,
    # well before the solstice month and far from the 360° → 0° wrap.
    k = round((ordinal + _JD_ORDINAL0 - _JDE_NEW_MOON0) / _SYNODIC_MONTH) - 2
    # The solstice (270°) falls on a day of the month [start, next start) exactly when
    # the sun is short of 270° at the start and has reached it by the next start.
    while _sun_at_midnight(_new_moon_day(k + 1)) < 270:
        k += 1
    return k


@lru_cache(maxsize=512)
def _solstice_year(year: int) -> tuple[_Month, ...]:
    """Months from month 11 of lunar year ``year - 1`` up to month 11 of ``year``."""
    first, last = _month11_lunation(year - 1), _month11_lunation(year)
    starts = [_new_moon_day(k) for k in range(first, last + 1)]
    count = last - first
    leap_index = -1
    if count == 13:
        # Month 11 holds the solstice, so the search starts with the month after it.
        leap_index = next(
            i for i in range(1, count) if _term_sector(starts[i]) == _term_sector(starts[i + 1])
        )
    months: list[_Month] = []
    number, lunar_year = 10, year - 1
    for i in range(count):
        leap = i == leap_index
        if not leap:
            number = number % 12 + 1
            if number == 1:
                lunar_year = year
        months.append(_Month(lunar_year, number, leap, starts[i], starts[i + 1]))
    return tuple(months)


@lru_cache(maxsize=512)
def _year_months(year: int) -> tuple[_Month, ...]:
    """The 12 or 13 months of lunar year ``year``, from Tết to the eve of the next Tết."""
    return tuple(m for m in _solstice_year(year) + _solstice_year(year + 1) if m.year == year)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"lunar year {year} is outside the supported {MIN_YEAR}–{MAX_YEAR}")


def _find_month(year: int, month: int, leap: bool) -> _Month:
    _check_year(year)
    if not 1 <= month <= 12:
        raise InvalidLunarDate(f"lunar month must be 1–12, got {month}")
    for m in _year_months(year):
        if m.number == month and m.leap == leap:
            return m
    raise InvalidLunarDate(f"{year} has no leap month {month}")


def solar_to_lunar(d: dt.date) -> LunarDate:
    """The lunar date of solar date ``d``; ValueError outside lunar years 1900–2100."""
    ordinal = d.toordinal()
    year = d.year
    if not MIN_YEAR <= year <= MAX_YEAR + 1:
        raise ValueError(f"{d} is outside the supported lunar years {MIN_YEAR}–{MAX_YEAR}")
    months = _year_months(year)
    if ordinal < months[0].start:
        year -= 1
        months = _year_months(year)
    _check_year(year)
    index = bisect.bisect_right([m.start for m in months], ordinal) - 1
    month = months[index]
    return LunarDate(year, month.number, ordinal - month.start + 1, month.leap)


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The solar date of a lunar date; ``InvalidLunarDate`` when it does not exist."""
    m = _find_month(year, month, leap)
    length = m.end - m.start
    if day < 1:
        raise InvalidLunarDate(f"lunar day must be at least 1, got {day}")
    if day > length:
        name = f"leap lunar month {month}" if leap else f"lunar month {month}"
        raise InvalidLunarDate(f"{name} of {year} has only {length} days")
    return dt.date.fromordinal(m.start + day - 1)


def leap_month(year: int) -> int | None:
    """Number of the leap month of lunar year ``year``, or None in a 12-month year."""
    _check_year(year)
    return next((m.number for m in _year_months(year) if m.leap), None)


def month_length(year: int, month: int, leap: bool = False) -> int:
    """Days (29 or 30) in a month of lunar year ``year``."""
    m = _find_month(year, month, leap)
    return m.end - m.start


def tet(year: int) -> dt.date:
    """Tết Nguyên Đán, the first day of lunar year ``year``."""
    _check_year(year)
    return dt.date.fromordinal(_year_months(year)[0].start)
