"""Trip planning: "3 days near Hanoi?", "đi chơi 1 ngày từ Hà Nội", "a long weekend, we
like food": the tours that fit the time, the interests and the starting point."""

from __future__ import annotations

from bot.content.schema import Tour
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
INTEREST_TAGS = frozenset({"culture", "food", "nature", "history", "spiritual", "craft-village"})
# Words of any trip request: they say nothing about which tour.
_GENERIC = frozenset("tour tours ngay dem day days night nights trip di choi lich trinh".split())


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
        words = {w for w in tokens(turn.text) if w not in STOPWORDS and not w.isdigit()} - _GENERIC

        def score(tour: Tour) -> tuple[float, str]:
            points = 0.0
            if days is not None:
                if tour.duration_days == days:
                    points += 3
                elif tour.duration_days < days:
                    points += 1.5  # fits, with time to spare
                else:
                    points -= 3
            if slots.from_hanoi and "from-hanoi" in tour.tags:
                points += 1
            # An interest counts more on a tour with few themes than on one with many.
            themes = [t for t in tour.tags if t in INTEREST_TAGS] or ["-"]
            points += 2 * sum(1 for i in slots.interests if i in tour.tags) / len(themes)
            named = set(tokens(tour.name.get("vi"))) | set(tokens(tour.name.get("en")))
            points += 1.5 * len(words & named)
            if within is not None and set(tour.provinces) & within:
                points += 2
            return (-points, tour.name.get(lang))

        ranked = sorted(tours, key=score)[:SUGGESTED]
        if days is not None:
            head = ngettext(
                "For {n} day, these tours fit:", "For {n} days, these tours fit:", days
            ).format(n=days)
        else:
            head = _("These tours may suit you:")
        lines = [head]
        for tour in ranked:
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
