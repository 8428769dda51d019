"""Trip planning: "3 days near Hanoi?", "đi chơi 1 ngày từ Hà Nội", "a long weekend, we
like food": the tours that fit the time, the interests and the starting point."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from bot.calendar.phrase_parts import DateWindow
from bot.calendar.phrases import find_window
from bot.content.loader import ContentPack
from bot.content.schema import Item, Place, Province, Tour
from bot.core import answers, events
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.labels import short
from bot.core.models import Button, Reply
from bot.core.payloads import ShowItem
from bot.i18n import gettext as _
from bot.i18n import ngettext
from bot.nlu import Intent
from bot.text.fold import fold, tokens
from bot.text.stopwords import GENERIC, STOPWORDS

SUGGESTED = 3
RARE_IN_NAMES = 4  # a word in more places' names than this names no stop in particular
NEAR_HANOI_KM = 160  # every province of the tour within this (the provinces' own figures)
INTEREST_TAGS = frozenset(
    {"culture", "food", "nature", "history", "spiritual", "craft-village", "beach"}
)
# Words of any trip request: they say nothing about which tour.
# "Hà Nội" is the starting point (``slots.from_hanoi``), not a theme: a day trip named
# "from Hanoi" must not outrank a 3-day tour for "3 days near Hanoi".
_GENERIC = frozenset(
    "tour tours ngay dem day days night nights trip di choi lich trinh ha noi hanoi near gan"
    " tu from".split()
)


class TripFeature:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._counted: tuple[str, dict[str, int]] = ("", {})

    async def claims(self, turn: Turn) -> bool:
        return turn.intent is Intent.TRIP_PLAN

    async def handle(self, turn: Turn) -> list[Reply]:
        assert turn.parse is not None
        lang, pack = turn.lang, self._engine.pack
        wish = _wish(turn, pack)
        tours = [t for t in pack.of_kind("tour") if isinstance(t, Tour)]
        if wish.within is not None:  # "2 ngày ở Lạng Sơn": that province's tours, if any
            tours = [t for t in tours if set(t.provinces) & wish.within] or tours

        def score(tour: Tour) -> tuple[int, int, float, str]:
            fit = _fit(tour, wish.days)
            # Of the shorter tours, the longest first: 3 days of 4 leave one to combine.
            longest = -tour.duration_days if fit else 0
            return (fit, longest, -self._points(tour, wish), tour.name.get(lang))

        ranked = [t for t in sorted(tours, key=score) if _fit(t, wish.days) < 2][:SUGGESTED]
        exact = sum(1 for t in ranked if _fit(t, wish.days) == 0)
        lines = [_head(wish.days, exact)]
        for i, tour in enumerate(ranked):
            if wish.days is not None and i == exact and exact > 0:
                lines.append(_("Shorter, to combine with one of them:"))
            length = ngettext("{n} day", "{n} days", tour.duration_days).format(
                n=tour.duration_days
            )
            line = f"• {tour.name.get(lang)} ({length})"
            if i == 0:  # the first suggestion says where it goes
                line = f"• {tour.name.get(lang)} — {answers.tour_line(pack, tour)}"
            stops = self._stops_named(tour, wish.words)
            if stops:  # "xem làm gốm": the stop that answers it, by name
                line += " — " + _("with {places}").format(
                    places=", ".join(s.name.get(lang) for s in stops)
                )
            lines.append(line)
        if wish.window is not None:
            on = events.between(pack, wish.window.start, wish.window.end, wish.within)
            names = list(dict.fromkeys(e.name.get(lang) for e, _occ in on))[:SUGGESTED]
            if names:
                lines.append(_("Festivals then: {names}").format(names="; ".join(names)))
        lines.append(_("Tap one for its programme, or ask for a festival to time it with."))
        buttons = tuple(
            (Button(short(t.name.get(lang)), payload=ShowItem(t.id).pack()),) for t in ranked
        )
        refs = tuple(answers.item_ref(t) for t in ranked)
        return [Reply(text="\n".join(lines), lang=lang, items=refs, buttons=buttons)]

    def _points(self, tour: Tour, wish: _Wish) -> float:
        """How well ``tour`` fits what the visitor said, beyond its length."""
        points = 0.0
        if wish.from_hanoi and "from-hanoi" in tour.tags:
            points += 1
        if wish.from_hanoi and self._near_hanoi(tour):
            points += 1
        # What the visitor likes outweighs how near the tour is; an interest counts a
        # little more on a tour with few themes than on one with many.
        themes = [t for t in tour.tags if t in INTEREST_TAGS] or ["-"]
        liked = sum(1 for i in wish.interests if i in tour.tags)
        points += liked * (1.5 + 1.5 / len(themes))
        # A name is matched by its word pairs ("quan ho"); a lone syllable counts little:
        # "gia đình" (family) and "văn hóa" are not "Định Hóa".
        named = [tokens(tour.name.get("vi")), tokens(tour.name.get("en"))]
        points += 0.5 * len(wish.words & {w for name in named for w in name})
        points += 1.5 * len(wish.pairs & {p for name in named for p in itertools.pairwise(name)})
        points += 1.5 * len(self._stops_named(tour, wish.words))
        if wish.months and wish.months & best_months(tour):
            points += 3  # "tháng 6 nên đi đâu": a tour at its best then
        return points

    def _stops_named(self, tour: Tour, words: set[str]) -> list[Place]:
        """The tour's stops whose name or an alias has one of ``words`` that few places'
        names have ("gốm" → "làng gốm Thổ Hà"; not "nghề", in many)."""
        pack = self._engine.pack
        counts = self._name_words()
        # Two letters are too often another word ("bố" is the "Bổ" of Bổ Đà).
        rare = {w for w in words if len(w) >= 3 and 0 < counts.get(w, 0) <= RARE_IN_NAMES}
        found: list[Place] = []
        for stop in dict.fromkeys(s for day in tour.days for s in day.stops):
            place = pack.items.get(stop)
            if isinstance(place, Place) and rare & _name_tokens(place):
                found.append(place)
        return found

    def _name_words(self) -> dict[str, int]:
        """For each word of a place's names and aliases, how many places have it."""
        pack = self._engine.pack
        if self._counted[0] != pack.fingerprint:
            counts: dict[str, int] = {}
            for place in pack.of_kind("place"):
                for word in _name_tokens(place):
                    counts[word] = counts.get(word, 0) + 1
            self._counted = (pack.fingerprint, counts)
        return self._counted[1]

    def _near_hanoi(self, tour: Tour) -> bool:
        """Every province of the tour is one whose page gives a distance from Hanoi within
        ``NEAR_HANOI_KM`` (itself or the province it is now part of)."""
        pack = self._engine.pack

        def km(province_id: str) -> int | None:
            for pid in (province_id, pack.current_province(province_id)):
                province = pack.items.get(pid)
                if isinstance(province, Province) and province.distance_from_hanoi_km is not None:
                    return province.distance_from_hanoi_km
            return None

        found = [km(p) for p in tour.provinces]
        return bool(found) and all(k is not None and k <= NEAR_HANOI_KM for k in found)


@dataclass(frozen=True, slots=True)
class _Wish:
    """What a trip request says: its length, where, when, what the visitor likes."""

    days: int | None
    within: set[str] | None
    window: DateWindow | None
    months: set[int]
    interests: tuple[str, ...]
    from_hanoi: bool
    words: set[str]  # words that may name a theme or a stop
    pairs: set[tuple[str, str]]


def _wish(turn: Turn, pack: ContentPack) -> _Wish:
    assert turn.parse is not None
    slots = turn.parse.slots
    within = pack.provinces_within(slots.province) if slots.province in pack.items else None
    # Not the date phrase ("tháng 6 năm sau" is no "Nam Đàn"), function or generic words.
    text = turn.text
    if (said := find_window(text, turn.today)) is not None:
        text = fold(text)[: said.span[0]] + " " + fold(text)[said.span[1] :]
    typed = [w for w in tokens(text) if w not in STOPWORDS and w not in GENERIC and not w.isdigit()]
    window = slots.window
    return _Wish(
        days=slots.days,
        within=within,
        window=window,
        months=_months_of(window) if window is not None else set(),
        interests=slots.interests,
        from_hanoi=slots.from_hanoi,
        words=set(typed) - _GENERIC,
        pairs={p for p in itertools.pairwise(typed) if not set(p) <= _GENERIC},
    )


def _name_tokens(item: Item) -> set[str]:
    return {w for name in (item.name.vi, item.name.en, *item.aliases) for w in tokens(name)}


def _head(days: int | None, exact: int) -> str:
    if days is not None and exact:
        return ngettext(
            "For {n} day, these tours fit:", "For {n} days, these tours fit:", days
        ).format(n=days)
    if days is not None:
        return ngettext(
            "No tour lasts {n} day; these shorter ones fit, and can be combined:",
            "No tour lasts {n} days; these shorter ones fit, and can be combined:",
            days,
        ).format(n=days)
    return _("These tours may suit you:")


def _fit(tour: Tour, days: int | None) -> int:
    """0: as long as the time the visitor has (or no time given); 1: shorter; 2: longer."""
    if days is None or tour.duration_days == days:
        return 0
    return 1 if tour.duration_days < days else 2


_SOLAR_MONTHS = re.compile(r"\btháng\s+(\d{1,2})(?:\s*[–-]\s*(\d{1,2}))?(?!\s*âm)", re.IGNORECASE)


def best_months(tour: Tour) -> set[int]:
    """The solar months a tour's best time names in figures ("tháng 4–8"); lunar months are
    written in words there ("tháng Giêng âm lịch") and left out."""
    if tour.best_time is None:
        return set()
    found: set[int] = set()
    for m in _SOLAR_MONTHS.finditer(tour.best_time.vi):
        first = int(m[1])
        last = int(m[2]) if m[2] else first
        if 1 <= first <= last <= 12:
            found.update(range(first, last + 1))
    return found


def _months_of(window: DateWindow) -> set[int]:
    months: set[int] = set()
    day = window.start
    while day <= window.end and len(months) < 12:
        months.add(day.month)
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return months
