"""Prices, tickets, opening hours and the way there, for the item a question names (or
the one the conversation is about): what the content knows, dated, or "check locally"."""

from __future__ import annotations

from bot.content.schema import Item
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.models import Reply
from bot.core.practical import (
    amenity_asked,
    amenity_reply,
    directions_reply,
    practical_reply,
    says_amenity,
)
from bot.nlu import Aspect, Intent

ASPECTS = {
    Intent.PRICE: "price",
    Intent.TICKETS: "tickets",
    Intent.OPENING_HOURS: "hours",
}
FOLLOW_UP_ASPECTS = {Aspect.PRICE: "price", Aspect.HOURS: "hours"}


class PracticalFeature:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def claims(self, turn: Turn) -> bool:
        return self._item(turn) is not None and self._aspect(turn) is not None

    async def handle(self, turn: Turn) -> list[Reply]:
        item, aspect = self._item(turn), self._aspect(turn)
        assert item is not None and aspect is not None
        pack = self._engine.pack
        if aspect == "directions":
            return [directions_reply(pack, item, turn.lang)]
        if aspect.startswith("amenity:"):
            return [amenity_reply(pack, item, aspect.removeprefix("amenity:"), turn.lang)]
        return [practical_reply(pack, item, aspect, turn.lang)]

    def _aspect(self, turn: Turn) -> str | None:
        if turn.parse is None:
            return None
        if turn.intent is Intent.DIRECTIONS:
            return "directions"
        if turn.intent in ASPECTS:
            return ASPECTS[turn.intent]
        slots = turn.parse.slots
        amenity = amenity_asked(turn.parse.folded) if turn.intent is Intent.QUESTION else None
        item = self._item(turn)
        if amenity is not None and item is not None and not says_amenity(item, amenity):
            return f"amenity:{amenity}"
        if turn.intent is Intent.QUESTION and slots.follow_up and slots.aspect:
            if slots.aspect is Aspect.DIRECTIONS:
                return "directions"
            return FOLLOW_UP_ASPECTS.get(slots.aspect)
        return None

    def _item(self, turn: Turn) -> Item | None:
        """The item named, else the subject when the message points back at it; never a
        province (how far a province is, the distance pages answer)."""
        if turn.parse is None:
            return None
        slots, pack = turn.parse.slots, self._engine.pack
        ident = slots.items[0] if slots.items else None
        if ident is None and slots.follow_up and turn.state.subject:
            ident = turn.state.subject[0]
        item = pack.items.get(ident) if ident else None
        return None if item is None or item.kind in ("province", "faq") else item
