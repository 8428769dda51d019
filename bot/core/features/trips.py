"""Trip planning: "3 days near Hanoi?", "đi chơi 1 ngày từ Hà Nội", "a long weekend, we
like food": the tours that fit the time, the interests and the starting point."""

from __future__ import annotations

import itertools

from bot.content.schema import Province, Tour
from bot.core import answers
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.labels import short
from bot.core.models import Button, Reply
from bot.core.payloads import ShowItem
from bot.i18n import gettext as _
from bot.i18n import ngettext
from bot.nlu import Intent
from bot.text.fold import tokens
from bot.text.stopwords import STOPWORDS

SUGGESTED = 3
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

    async def claims(self, turn: Turn) -> bool:
        return turn.intent is Intent.TRIP_PLAN

    async def handle(self, turn: Turn) -> list[Reply]:
        assert turn.parse is not None
        slots, lang, pack = turn.parse.slots, turn.lang, self._engine.pack
        tours = [t for t in pack.of_kind("tour") if isinstance(t, Tour)]
        days = slots.days
        within = pack.provinces_within(slots.province) if slots.province in pack.items else None
        if within is not None:  # "2 ngày ở Lạng Sơn": that province's tours, if it has any
            tours = [t for t in tours if set(t.provinces) & within] or tours
        typed = [w for w in tokens(turn.text) if w not in STOPWORDS and not w.isdigit()]
        words = set(typed) - _GENERIC
        pairs = {p for p in itertools.pairwise(typed) if not set(p) <= _GENERIC}

        def score(tour: Tour) -> tuple[int, int, float, str]:
            points = 0.0
            if slots.from_hanoi and "from-hanoi" in tour.tags:
                points += 1
            if slots.from_hanoi and self._near_hanoi(tour):
                points += 1
            # What the visitor likes outweighs how near the tour is; an interest counts a
            # little more on a tour with few themes than on one with many.
            themes = [t for t in tour.tags if t in INTEREST_TAGS] or ["-"]
            liked = sum(1 for i in slots.interests if i in tour.tags)
            points += liked * (1.5 + 1.5 / len(themes))
            # A name is matched by its word pairs ("quan ho"); a lone syllable counts little:
            # "gia đình" (family) and "văn hóa" are not "Định Hóa".
            named = [tokens(tour.name.get("vi")), tokens(tour.name.get("en"))]
            points += 0.5 * len(words & {w for name in named for w in name})
            points += 1.5 * len(pairs & {p for name in named for p in itertools.pairwise(name)})
            fit = _fit(tour, days)
            # Of the shorter tours, the longest first: 3 days of 4 leave one to combine.
            return (fit, -tour.duration_days if fit else 0, -points, tour.name.get(lang))

        ranked = [t for t in sorted(tours, key=score) if _fit(t, days) < 2][:SUGGESTED]
        exact = sum(1 for t in ranked if _fit(t, days) == 0)
        if days is not None and exact:
            head = ngettext(
                "For {n} day, these tours fit:", "For {n} days, these tours fit:", days
            ).format(n=days)
        elif days is not None:
            head = ngettext(
                "No tour lasts {n} day; these shorter ones fit, and can be combined:",
                "No tour lasts {n} days; these shorter ones fit, and can be combined:",
                days,
            ).format(n=days)
        else:
            head = _("These tours may suit you:")
        lines = [head]
        for i, tour in enumerate(ranked):
            if days is not None and i == exact and exact > 0:
                lines.append(_("Shorter, to combine with one of them:"))
            length = ngettext("{n} day", "{n} days", tour.duration_days).format(
                n=tour.duration_days
            )
            lines.append(f"• {tour.name.get(lang)} ({length})")
        lines.append(_("Tap one for its programme, or ask for a festival to time it with."))
        buttons = tuple(
            (Button(short(t.name.get(lang)), payload=ShowItem(t.id).pack()),) for t in ranked
        )
        refs = tuple(answers.item_ref(t) for t in ranked)
        return [Reply(text="\n".join(lines), lang=lang, items=refs, buttons=buttons)]

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


def _fit(tour: Tour, days: int | None) -> int:
    """0: as long as the time the visitor has (or no time given); 1: shorter; 2: longer."""
    if days is None or tour.duration_days == days:
        return 0
    return 1 if tour.duration_days < days else 2
