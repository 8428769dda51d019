"""Occurrences of yearly lunar, yearly solar and explicitly dated events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from bot.calendar.lunar import MAX_YEAR, MIN_YEAR, lunar_to_solar, month_length
from bot.content.schema import MonthDay, Recurrence


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One run of an event: ``start``..``end`` inclusive, ``main`` the principal day."""

    start: dt.date
    end: dt.date
    main: dt.date


def _lunar_day(year: int, md: MonthDay) -> dt.date:
    # Festivals keep the regular month in a leap year, and a day 30 that the month
    # lacks this year is held on its last day (29).
    return lunar_to_solar(year, md.month, min(md.day, month_length(year, md.month)))


def _solar_day(year: int, md: MonthDay) -> dt.date:
    if md.month == 2 and md.day == 29 and not _is_leap_year(year):
        return dt.date(year, 2, 28)
    return dt.date(year, md.month, md.day)


def _is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _yearly(rec: Recurrence, year: int) -> Occurrence | None:
    """The occurrence of a yearly recurrence starting in (lunar or solar) ``year``."""
    assert rec.start is not None  # the schema requires it for lunar and solar
    return _yearly_of(rec.calendar == "lunar", rec.start, rec.end, rec.main, year)


# Every event list asks again for the same few (event, year) pairs; the answer never
# changes, and lunar conversions make it the costliest step of a date question.
@lru_cache(maxsize=8192)
def _yearly_of(
    lunar: bool, anchor: MonthDay, end_md: MonthDay | None, main_md: MonthDay | None, year: int
) -> Occurrence | None:
    last = MAX_YEAR if lunar else dt.MAXYEAR
    if not (MIN_YEAR if lunar else dt.MINYEAR) <= year <= last:
        return None

    def on_or_after_start(md: MonthDay) -> dt.date | None:
        # A month/day earlier than the start belongs to the following year: a festival
        # running from the 12th month into the 1st ends in the next year.
        target = year + 1 if (md.month, md.day) < (anchor.month, anchor.day) else year
        if target > last:
            return None
        return _lunar_day(target, md) if lunar else _solar_day(target, md)

    start = on_or_after_start(anchor)
    end = on_or_after_start(end_md) if end_md else start
    if start is None or end is None:
        return None
    main = on_or_after_start(main_md) if main_md else start
    end = max(end, start)
    return Occurrence(start, end, start if main is None else min(max(main, start), end))


def occurrences_in_year(rec: Recurrence, year: int) -> list[Occurrence]:
    """Occurrences in lunar year ``year`` (lunar), solar year ``year`` (solar), or the
    listed dates starting in ``year`` (dates)."""
    if rec.calendar == "dates":
        return sorted(
            (_from_range(r.start, r.end, r.main) for r in rec.dates if r.start.year == year),
            key=_order,
        )
    occurrence = _yearly(rec, year)
    return [occurrence] if occurrence else []


def _from_range(start: dt.date, end: dt.date | None, main: dt.date | None) -> Occurrence:
    return Occurrence(start, end or start, main or start)


def _order(occurrence: Occurrence) -> tuple[dt.date, dt.date]:
    return occurrence.start, occurrence.end


def occurrences_between(rec: Recurrence, start: dt.date, end: dt.date) -> list[Occurrence]:
    """All occurrences overlapping ``start``..``end`` (inclusive), sorted by start."""
    if rec.calendar == "dates":
        found = [_from_range(r.start, r.end, r.main) for r in rec.dates]
    else:
        # A lunar year begins in late January at the earliest, and a wrapping range
        # from the year before may still be running, so look one year either side.
        found = [
            occurrence
            for year in range(start.year - 2, end.year + 1)
            if (occurrence := _yearly(rec, year)) is not None
        ]
    return sorted((o for o in found if o.end >= start and o.start <= end), key=_order)


def next_occurrence(rec: Recurrence, today: dt.date) -> Occurrence | None:
    """The first occurrence not yet over on ``today`` (one running today counts)."""
    if rec.calendar == "dates":
        upcoming = [
            _from_range(r.start, r.end, r.main) for r in rec.dates if (r.end or r.start) >= today
        ]
        return min(upcoming, key=_order, default=None)
    for year in range(today.year - 2, today.year + 2):
        occurrence = _yearly(rec, year)
        if occurrence is not None and occurrence.end >= today:
            return occurrence
    return None
