"""The buttons under a short reply: the whole text (``More``), the way there
(``Directions``) and the next page of a list (``Page``)."""

from __future__ import annotations

from bot.content.loader import ContentPack
from bot.core import answers, events, practical
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.models import Reply
from bot.core.payloads import Directions, More, Page, decode
from bot.i18n import use_lang

_FAMILIES = (More, Directions, Page)


class DetailsFeature:
    """Answers ``More``, ``Directions`` and ``Page`` buttons; a stale one is apologised for."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine  # its pack, not a copy: a content reload replaces it

    async def claims(self, turn: Turn) -> bool:
        return turn.msg.payload is not None and decode(turn.msg.payload, _FAMILIES) is not None

    async def handle(self, turn: Turn) -> list[Reply]:
        assert turn.msg.payload is not None
        payload = decode(turn.msg.payload, _FAMILIES)
        pack, lang = self._engine.pack, turn.lang
        if isinstance(payload, More) and payload.item_id in pack.items:
            return [more_reply(pack, payload.item_id, lang)]
        if isinstance(payload, Directions) and payload.item_id in pack.items:
            return [practical.directions_reply(pack, pack.items[payload.item_id], lang)]
        if isinstance(payload, Page) and (parsed := events.parse_key(payload.key)) is not None:
            window, provinces = parsed
            return [events.listing(pack, turn.today, lang, window, provinces, payload.page)]
        return [stale_button(lang)]


def more_reply(pack: ContentPack, item_id: str, lang: str) -> Reply:
    """Everything the content says about one item beyond its short reply."""
    item = pack.items[item_id]
    with use_lang(lang):
        return Reply(
            text=answers.more_text(pack, item),
            lang=lang,
            title=item.name.get(lang),
            items=(answers.item_ref(item),),
            buttons=answers.way_buttons(pack, item),
        )
