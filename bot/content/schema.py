"""Pydantic models for the curated content files under ``content/<kind>/``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    field_validator,
    model_validator,
)

KINDS = ("province", "place", "tour", "event", "heritage", "faq", "programme", "dish")
Kind = Literal["province", "place", "tour", "event", "heritage", "faq", "programme", "dish"]
CONFIDENCE = ("verified", "reported", "uncertain")
Confidence = Literal["verified", "reported", "uncertain"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 40  # ids travel inside 64-byte button payloads

_DAYS_IN_SOLAR_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text given in both Vietnamese and English; neither may be empty."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("vi", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to Vietnamese."""
        return self.en if lang == "en" else self.vi


_HTTP_URL = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    # Validated as pydantic's HttpUrl but kept as typed: the same string is compared with
    # ``Practical.source`` and shown to staff, so it must not be normalised.
    value = value.strip()
    if any(c.isspace() for c in value):
        raise ValueError("a URL has no spaces")
    _HTTP_URL.validate_python(value)
    return value


Url = Annotated[str, AfterValidator(_http_url)]
"""An http(s) address a person can open."""


class Source(_Strict):
    """Where a fact comes from: a public page, with its publication date when known."""

    title: str = Field(min_length=1)
    url: Url
    date: dt.date | None = None


class Practical(_Strict):
    """Opening hours or tickets: only with a dated source, which must be among the item's."""

    text: Text
    as_of: dt.date
    source: Url


PRECISION = ("site", "commune", "estimate")
Precision = Literal["site", "commune", "estimate"]


class Coordinates(_Strict):
    """A point on the map and how far to trust it.

    ``site``: a source gives the point of the place itself; ``commune``: a source gives the
    point of its commune or ward, not of the place; ``estimate``: no source gives it (a
    district centre or a reading off a map), so the bot never drops a pin on it.
    """

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    precision: Precision = "estimate"
    source: Url | None = None  # the page that gives the point; one of the item's sources

    @model_validator(mode="after")
    def _sourced(self) -> Coordinates:
        if self.precision != "estimate" and self.source is None:
            raise ValueError(f"precision '{self.precision}' needs the source that gives the point")
        return self


class MonthDay(_Strict):
    """A day of a month, in whichever calendar the recurrence names."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class DateRange(_Strict):
    """One explicit occurrence of an event, in the solar calendar."""

    start: dt.date
    end: dt.date | None = None
    main: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        end = self.end or self.start
        if end < self.start:
            raise ValueError("end is before start")
        if self.main is not None and not self.start <= self.main <= end:
            raise ValueError("main is outside start..end")
        return self


class Recurrence(_Strict):
    """When an event happens: yearly lunar, yearly solar, or explicit dates."""

    calendar: Literal["lunar", "solar", "dates"]
    start: MonthDay | None = None
    end: MonthDay | None = None
    main: MonthDay | None = None
    dates: list[DateRange] = Field(default_factory=list)
    approximate: bool = False
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Recurrence:
        if self.calendar == "dates":
            if self.start or self.end or self.main:
                raise ValueError("calendar 'dates' takes 'dates', not start/end/main")
            return self
        if self.start is None:
            raise ValueError(f"calendar '{self.calendar}' needs 'start'")
        if self.dates:
            raise ValueError(f"calendar '{self.calendar}' takes start/end/main, not 'dates'")
        limit = 30 if self.calendar == "lunar" else None
        for name in ("start", "end", "main"):
            md: MonthDay | None = getattr(self, name)
            if md is None:
                continue
            max_day = limit or _DAYS_IN_SOLAR_MONTH[md.month - 1]
            if md.day > max_day:
                raise ValueError(f"{name}: day {md.day} does not exist in month {md.month}")
        return self


class TourDay(_Strict):
    day: int = Field(ge=1)
    title: Text
    stops: list[str] = Field(default_factory=list)
    notes: Text | None = None
    travel: Text | None = None  # rough distances/times between the stops, hedged


class _Item(_Strict):
    """Fields every content item shares."""

    id: str
    name: Text
    summary: Text
    body: Text
    aliases: list[str] = Field(default_factory=list)
    provinces: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    uncertain: list[Text] = Field(default_factory=list)  # facts staff should re-check

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("must be lower-case ASCII words joined by '-'")
        if len(value) > ID_MAX:
            raise ValueError(f"must be at most {ID_MAX} characters")
        return value

    def references(self) -> list[tuple[str, str]]:
        """(field, id) pairs that must name existing items."""
        refs = [("provinces", p) for p in self.provinces]
        refs += [("related", r) for r in self.related]
        return refs

    def cited(self) -> list[tuple[str, str, bool]]:
        """(field, url, dated) for the URLs that must be among the item's ``sources``;
        ``dated``: that source must give its date."""
        return []


class Province(_Item):
    kind: Literal["province"] = "province"
    merged_into: str | None = None
    merged_on: dt.date | None = None
    seat: Text | None = None
    distance_from_hanoi_km: Annotated[int, Field(ge=0)] | None = None
    coordinates: Coordinates | None = None

    def references(self) -> list[tuple[str, str]]:
        refs = super().references()
        if self.merged_into:
            refs.append(("merged_into", self.merged_into))
        return refs


class Place(_Item):
    kind: Literal["place"] = "place"
    address: Text
    coordinates: Coordinates
    getting_there: Text | None = None
    opening_hours: Practical | None = None
    tickets: Practical | None = None

    def cited(self) -> list[tuple[str, str, bool]]:
        pairs = [("opening_hours", self.opening_hours), ("tickets", self.tickets)]
        out = [(f"{name}.source", p.source, True) for name, p in pairs if p is not None]
        if self.coordinates.source is not None:
            out.append(("coordinates.source", self.coordinates.source, False))
        return out


class Tour(_Item):
    kind: Literal["tour"] = "tour"
    duration_days: int = Field(ge=1)
    days: list[TourDay] = Field(min_length=1)
    best_time: Text | None = None
    events: list[str] = Field(default_factory=list)  # festivals the tour can be timed with

    def references(self) -> list[tuple[str, str]]:
        refs = super().references()
        for i, day in enumerate(self.days):
            refs += [(f"days[{i}].stops", stop) for stop in day.stops]
        return refs + [("events", e) for e in self.events]


class Event(_Item):
    kind: Literal["event"] = "event"
    recurrence: Recurrence
    places: list[str] = Field(default_factory=list)

    def references(self) -> list[tuple[str, str]]:
        return super().references() + [("places", p) for p in self.places]


class Heritage(_Item):
    kind: Literal["heritage"] = "heritage"
    listing: Text | None = None
    inscribed: dt.date | None = None
    places: list[str] = Field(default_factory=list)

    def references(self) -> list[tuple[str, str]]:
        return super().references() + [("places", p) for p in self.places]


class Faq(_Item):
    kind: Literal["faq"] = "faq"


class Programme(_Item):
    kind: Literal["programme"] = "programme"
    partners: list[str] = Field(default_factory=list)
    signed: dt.date | None = None

    def references(self) -> list[tuple[str, str]]:
        return super().references() + [("partners", p) for p in self.partners]


class Dish(_Item):
    """A local dish or speciality, and the places (never a business) to eat or buy it."""

    kind: Literal["dish"] = "dish"
    where: list[str] = Field(min_length=1)
    season: Text | None = None

    def references(self) -> list[tuple[str, str]]:
        return super().references() + [("where", w) for w in self.where]


Item = Province | Place | Tour | Event | Heritage | Faq | Programme | Dish

MODEL_BY_KIND: dict[str, type[_Item]] = {
    "province": Province,
    "place": Place,
    "tour": Tour,
    "event": Event,
    "heritage": Heritage,
    "faq": Faq,
    "programme": Programme,
    "dish": Dish,
}
