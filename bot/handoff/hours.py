"""Staff hours ("08:00-17:00" on "mon-fri"): whether someone is in, and when they will be."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


class HoursError(ValueError):
    """A setting that cannot be read as staff hours or days."""


@dataclass(frozen=True, slots=True)
class StaffHours:
    """When staff answer, in the office's time zone."""

    start: dt.time
    end: dt.time
    days: frozenset[int]  # ISO weekdays, 1 = Monday
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, timezone: str) -> StaffHours:
        """From ``TOURBOT_STAFF_HOURS`` ("08:00-17:00") and ``TOURBOT_STAFF_DAYS``
        ("mon-fri", "mon,wed,sat", "mon-sun")."""
        match = _HOURS.fullmatch(hours)
        if match is None:
            raise HoursError(f"TOURBOT_STAFF_HOURS: {hours!r} is not like 08:00-17:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError as exc:
            raise HoursError(f"TOURBOT_STAFF_HOURS: {hours!r}: {exc}") from None
        if end <= start:
            raise HoursError(f"TOURBOT_STAFF_HOURS: {hours!r} ends before it starts")
        return cls(start, end, _days(days), ZoneInfo(timezone))

    def is_open(self, now: float) -> bool:
        local = dt.datetime.fromtimestamp(now, self.zone)
        return local.isoweekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, now: float) -> dt.datetime:
        """When staff are next in (``now`` itself when they are)."""
        local = dt.datetime.fromtimestamp(now, self.zone)
        if self.is_open(now):
            return local
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            opening = dt.datetime.combine(day, self.start, self.zone)
            if day.isoweekday() in self.days and opening > local:
                return opening
        raise HoursError("no staff day in the week")  # _days refuses an empty set

    @property
    def hours_text(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def _days(spec: str) -> frozenset[int]:
    out: set[int] = set()
    for part in spec.lower().replace(" ", "").split(","):
        first, _sep, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"TOURBOT_STAFF_DAYS: {spec!r}: use mon..sun, e.g. mon-fri")
        a, b = DAYS.index(first), DAYS.index(last or first)
        span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
        out.update(d + 1 for d in span)
    return frozenset(out)
