"""When yearly lunar, yearly solar and explicitly dated events happen."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.calendar.lunar import leap_month, lunar_to_solar, month_length
from bot.calendar.recurrence import (
    Occurrence,
    next_occurrence,
    occurrences_between,
    occurrences_in_year,
)
from bot.content.schema import DateRange, MonthDay, Recurrence

D = dt.date
TODAY = D(2026, 11, 26)


def lunar(
    start: tuple[int, int], end: tuple[int, int] | None = None, main: tuple[int, int] | None = None
) -> Recurrence:
    return _yearly("lunar", start, end, main)


def solar(
    start: tuple[int, int], end: tuple[int, int] | None = None, main: tuple[int, int] | None = None
) -> Recurrence:
    return _yearly("solar", start, end, main)


def _yearly(
    calendar: str,
    start: tuple[int, int],
    end: tuple[int, int] | None,
    main: tuple[int, int] | None,
) -> Recurrence:
    def md(value: tuple[int, int] | None) -> MonthDay | None:
        return MonthDay(month=value[0], day=value[1]) if value else None

    return Recurrence.model_validate(
        {"calendar": calendar, "start": md(start), "end": md(end), "main": md(main)}
    )


HOI_LIM = lunar((1, 12), (1, 13), main=(1, 13))
ONG_HOANG_MUOI = lunar((10, 9), (10, 10), main=(10, 10))
KIEP_BAC = lunar((8, 10), (8, 20), main=(8, 20))
SOLAR_MARCH = solar((3, 15), (3, 17))


def test_hoi_lim_next_from_today() -> None:
    assert next_occurrence(HOI_LIM, TODAY) == Occurrence(
        D(2027, 2, 17), D(2027, 2, 18), D(2027, 2, 18)
    )


def test_a_festival_already_past_this_lunar_year_moves_to_next_year() -> None:
    # 10/10 of lunar 2026 was 2026-11-18, a week before "today".
    occurrence = next_occurrence(ONG_HOANG_MUOI, TODAY)
    assert occurrence is not None
    assert occurrence.main == lunar_to_solar(2027, 10, 10) == D(2027, 11, 7)
    assert occurrence.start == D(2027, 11, 6)
    assert occurrence.main != D(2026, 11, 18)


def test_asked_on_the_main_day_returns_that_occurrence() -> None:
    occurrence = next_occurrence(ONG_HOANG_MUOI, D(2026, 11, 18))
    assert occurrence == Occurrence(D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 18))


def test_an_event_running_today_counts() -> None:
    occurrence = next_occurrence(KIEP_BAC, D(2027, 9, 15))
    assert occurrence == Occurrence(D(2027, 9, 10), D(2027, 9, 20), D(2027, 9, 20))


@pytest.mark.parametrize(
    ("today", "year"),
    [(D(2027, 3, 1), 2027), (D(2027, 3, 16), 2027), (D(2027, 3, 17), 2027), (D(2027, 3, 18), 2028)],
)
def test_solar_event(today: dt.date, year: int) -> None:
    assert next_occurrence(SOLAR_MARCH, today) == Occurrence(
        D(year, 3, 15), D(year, 3, 17), D(year, 3, 15)
    )


def test_occurrences_between_september_2027() -> None:
    assert occurrences_between(KIEP_BAC, D(2027, 9, 1), D(2027, 9, 30)) == [
        Occurrence(D(2027, 9, 10), D(2027, 9, 20), D(2027, 9, 20))
    ]
    assert occurrences_between(HOI_LIM, D(2027, 9, 1), D(2027, 9, 30)) == []


def test_occurrences_between_counts_partial_overlap_and_spans_years() -> None:
    assert occurrences_between(KIEP_BAC, D(2027, 9, 20), D(2027, 9, 20))[0].end == D(2027, 9, 20)
    found = occurrences_between(HOI_LIM, D(2025, 1, 1), D(2027, 12, 31))
    assert [o.main for o in found] == [D(2025, 2, 10), D(2026, 3, 1), D(2027, 2, 18)]


def test_leap_year_uses_the_regular_month() -> None:
    assert leap_month(2025) == 6
    occurrence = occurrences_in_year(lunar((6, 15)), 2025)
    assert occurrence == [Occurrence(*(lunar_to_solar(2025, 6, 15),) * 3)]


def test_day_30_in_a_29_day_month_falls_on_day_29() -> None:
    assert month_length(2027, 3) == 29
    [occurrence] = occurrences_in_year(lunar((3, 30)), 2027)
    assert occurrence.start == lunar_to_solar(2027, 3, 29)


def test_defaults_end_and_main_to_start() -> None:
    [occurrence] = occurrences_in_year(lunar((3, 10)), 2027)  # Giỗ Tổ Hùng Vương
    assert occurrence.start == occurrence.end == occurrence.main == lunar_to_solar(2027, 3, 10)


def test_lunar_range_wrapping_into_the_next_year() -> None:
    # From the 23rd of the 12th month (ông Công ông Táo) to the 7th of Tết.
    [occurrence] = occurrences_in_year(lunar((12, 23), (1, 7), main=(1, 1)), 2026)
    assert occurrence.start == lunar_to_solar(2026, 12, 23)
    assert occurrence.end == lunar_to_solar(2027, 1, 7) == D(2027, 2, 12)
    assert occurrence.main == D(2027, 2, 6)


def test_solar_range_wrapping_into_the_next_year() -> None:
    [occurrence] = occurrences_in_year(solar((12, 30), (1, 2)), 2026)
    assert (occurrence.start, occurrence.end) == (D(2026, 12, 30), D(2027, 1, 2))
    assert next_occurrence(solar((12, 30), (1, 2)), D(2027, 1, 1)) == occurrence


def test_29_february_in_a_common_year() -> None:
    assert occurrences_in_year(solar((2, 29)), 2027)[0].start == D(2027, 2, 28)
    assert occurrences_in_year(solar((2, 29)), 2028)[0].start == D(2028, 2, 29)


def test_lunar_years_outside_the_tables_have_no_occurrence() -> None:
    assert occurrences_in_year(HOI_LIM, 1850) == []
    assert next_occurrence(HOI_LIM, D(2101, 6, 1)) is None


DATES = Recurrence(
    calendar="dates",
    dates=[
        DateRange(start=D(2027, 4, 20), end=D(2027, 4, 22), main=D(2027, 4, 21)),
        DateRange(start=D(2026, 4, 18)),
        DateRange(start=D(2028, 4, 20), end=D(2028, 4, 21)),
    ],
)


def test_explicit_dates() -> None:
    assert occurrences_in_year(DATES, 2027) == [
        Occurrence(D(2027, 4, 20), D(2027, 4, 22), D(2027, 4, 21))
    ]
    assert occurrences_in_year(DATES, 2026) == [
        Occurrence(D(2026, 4, 18), D(2026, 4, 18), D(2026, 4, 18))
    ]
    assert next_occurrence(DATES, TODAY) == occurrences_in_year(DATES, 2027)[0]
    assert next_occurrence(DATES, D(2027, 4, 22)) == occurrences_in_year(DATES, 2027)[0]
    assert next_occurrence(DATES, D(2027, 4, 23)) == Occurrence(
        D(2028, 4, 20), D(2028, 4, 21), D(2028, 4, 20)
    )
    assert next_occurrence(DATES, D(2029, 1, 1)) is None
    assert [o.start for o in occurrences_between(DATES, D(2026, 1, 1), D(2028, 1, 1))] == [
        D(2026, 4, 18),
        D(2027, 4, 20),
    ]
