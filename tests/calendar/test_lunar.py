"""The lunar calendar against published Vietnamese dates, and a round trip of 200 years."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.calendar.lunar import (
    InvalidLunarDate,
    LunarDate,
    leap_month,
    lunar_to_solar,
    month_length,
    solar_to_lunar,
    tet,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1985, D(1985, 1, 21)),  # China: 1985-02-20; Vietnam's UTC+7 moves the solstice month
        (2007, D(2007, 2, 17)),  # new moon at 23:14 UTC+7; China (UTC+8) has 2007-02-18
        (2023, D(2023, 1, 22)),
        (2024, D(2024, 2, 10)),
        (2025, D(2025, 1, 29)),
        (2026, D(2026, 2, 17)),
        (2027, D(2027, 2, 6)),
        (2030, D(2030, 2, 2)),  # China: 2030-02-03
        (1968, D(1968, 1, 29)),  # Tết Mậu Thân, the first year reckoned in UTC+7 in the North
    ],
)
def test_tet(year: int, expected: dt.date) -> None:
    assert tet(year) == expected
    assert solar_to_lunar(expected) == LunarDate(year, 1, 1)
    assert solar_to_lunar(expected - dt.timedelta(days=1)).year == year - 1


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2020, 4), (2023, 2), (2025, 6), (2028, 5), (2024, None), (2026, None), (2027, None)],
)
def test_leap_month(year: int, expected: int | None) -> None:
    assert leap_month(year) == expected


def test_leap_month_follows_its_regular_month() -> None:
    regular = lunar_to_solar(2025, 6, 1)
    leap = lunar_to_solar(2025, 6, 1, leap=True)
    assert leap == regular + dt.timedelta(days=month_length(2025, 6))
    assert solar_to_lunar(leap) == LunarDate(2025, 6, 1, leap=True)
    assert lunar_to_solar(2025, 7, 1) == leap + dt.timedelta(days=month_length(2025, 6, True))


@pytest.mark.parametrize(
    ("lunar", "solar"),
    [
        ((2027, 1, 13), D(2027, 2, 18)),  # Hội Lim
        ((2027, 8, 10), D(2027, 9, 10)),
        ((2027, 8, 20), D(2027, 9, 20)),  # Kiếp Bạc
        ((2027, 10, 10), D(2027, 11, 7)),
        ((2026, 10, 10), D(2026, 11, 18)),
        ((2026, 10, 18), D(2026, 11, 26)),  # "today" in the other tests
    ],
)
def test_lunar_to_solar(lunar: tuple[int, int, int], solar: dt.date) -> None:
    assert lunar_to_solar(*lunar) == solar
    assert solar_to_lunar(solar) == LunarDate(*lunar)


def test_today_converts_consistently() -> None:
    today = D(2026, 11, 26)
    lunar = solar_to_lunar(today)
    assert lunar == LunarDate(2026, 10, 18)
    assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == today
    assert 2026 - 1 < lunar.year <= 2026


def test_month_length() -> None:
    assert month_length(2027, 3) == 29
    assert {month_length(2027, m) for m in range(1, 13)} == {29, 30}
    total = sum(month_length(2027, m) for m in range(1, 13))
    assert tet(2027) + dt.timedelta(days=total) == tet(2028)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2023, 3, 1, True), "2023 has no leap month 3"),
        ((2027, 3, 30), "lunar month 3 of 2027 has only 29 days"),
        ((2027, 13, 1), "lunar month must be 1–12, got 13"),
        ((2027, 1, 0), "lunar day must be at least 1, got 0"),
        ((2020, 4, 30, True), "leap lunar month 4 of 2020 has only 29 days"),
    ],
)
def test_invalid_dates_say_what_is_wrong(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(InvalidLunarDate, match=message):
        lunar_to_solar(*args)


def test_invalid_month_length_query() -> None:
    with pytest.raises(InvalidLunarDate, match="2024 has no leap month 5"):
        month_length(2024, 5, leap=True)


@pytest.mark.parametrize("year", [1899, 2101])
def test_years_outside_the_tables_raise(year: int) -> None:
    with pytest.raises(ValueError, match="outside the supported"):
        tet(year)
    with pytest.raises(ValueError, match="outside the supported"):
        leap_month(year)


@pytest.mark.parametrize("day", [D(1900, 1, 30), D(2101, 6, 1), D(1850, 1, 1)])
def test_solar_dates_outside_the_tables_raise(day: dt.date) -> None:
    with pytest.raises(ValueError, match="outside the supported"):
        solar_to_lunar(day)


def test_invalid_lunar_date_is_a_value_error() -> None:
    assert issubclass(InvalidLunarDate, ValueError)


def test_round_trip_every_day_1900_2100() -> None:
    day, last = D(1900, 1, 31), D(2100, 12, 31)
    previous = solar_to_lunar(day)
    assert previous == LunarDate(1900, 1, 1)
    leap_years = 0
    while day <= last:
        lunar = solar_to_lunar(day)
        assert 1 <= lunar.month <= 12
        assert 1 <= lunar.day <= month_length(lunar.year, lunar.month, lunar.leap)
        assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day
        if lunar.day == 1 and lunar.leap:
            assert leap_month(lunar.year) == lunar.month
            leap_years += 1
        elif lunar.day != 1:
            assert (previous.year, previous.month, previous.leap, previous.day + 1) == (
                lunar.year,
                lunar.month,
                lunar.leap,
                lunar.day,
            )
        previous = lunar
        day += dt.timedelta(days=1)
    # The Metonic cycle: 7 leap months every 19 years.
    assert 72 <= leap_years <= 76
