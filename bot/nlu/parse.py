"""What one message says: its intent, how sure we are, and the slots it fills."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.calendar.phrase_parts import DateWindow


class Intent(enum.StrEnum):
    """What a visitor wants from one message; ``QUESTION`` goes to content search."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HELP = "help"
    ABUSE = "abuse"
    SWITCH_LANGUAGE = "switch_language"
    WEATHER = "weather"
    BOOKING = "booking"
    RECIPE = "recipe"
    PRICE = "price"
    TICKETS = "tickets"
    OPENING_HOURS = "opening_hours"
    DIRECTIONS = "directions"
    LIST = "list"
    TRIP_PLAN = "trip_plan"
    LUNAR_DATE = "lunar_date"
    REMIND = "remind"
    HUMAN = "human"
    AFFIRM = "affirm"
    DENY = "deny"
    QUESTION = "question"


class Aspect(enum.StrEnum):
    """What a follow-up asks about the subject of the conversation."""

    WHEN = "when"
    DURATION = "duration"
    DISTANCE = "distance"
    WHERE = "where"
    NEARBY = "nearby"
    PRICE = "price"
    HOURS = "hours"
    DIRECTIONS = "directions"


@dataclass(frozen=True, slots=True)
class Slots:
    """Everything the message names; empty fields were not mentioned.

    ``provinces`` are ids from the gazetteer, in the order named (old names keep their
    own id: "Bắc Giang" is ``bac-giang`` even after the merger; the caller maps it on).
    ``items`` are ids of other named things, when the caller gave their names.
    """

    provinces: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    days: int | None = None
    nights: int | None = None
    from_hanoi: bool = False
    interests: tuple[str, ...] = ()
    list_kind: str | None = None
    list_tags: tuple[str, ...] = ()  # every kind of place named ("lakes and caves")
    month: int | None = None
    year: int | None = None
    window: DateWindow | None = None
    target_lang: str | None = None
    option: int | None = None
    anaphora: bool = False
    ellipsis: bool = False
    aspect: Aspect | None = None

    @property
    def province(self) -> str | None:
        """The first province named, if any."""
        return self.provinces[0] if self.provinces else None

    @property
    def follow_up(self) -> bool:
        """True when the message only makes sense about the previous subject."""
        return self.anaphora or self.ellipsis


@dataclass(frozen=True, slots=True)
class Parse:
    """The understanding of one message.

    ``confidence`` is in 0..1; below the caller's threshold treat the message as a
    ``QUESTION``. ``by`` says which classifier decided ("rules", "ngram", "fallback").
    ``folded`` is the normalised text the classifiers saw (teencode expanded).
    """

    intent: Intent
    confidence: float
    slots: Slots
    folded: str
    by: str
