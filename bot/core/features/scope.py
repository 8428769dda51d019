"""What the bot cannot do, said plainly: weather forecasts, bookings, recipes, a person to
talk to.

Each answer says what the bot can do instead, and about the place named (or the one the
conversation is about) it offers what the content knows.
"""

from __future__ import annotations

from bot.content.loader import ContentPack
from bot.core import answers
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.models import ItemRef, Reply
from bot.core.payloads import AskHuman
from bot.core.replies import item_answer, menu_buttons
from bot.i18n import gettext as _
from bot.nlu import Intent

OUT_OF_SCOPE = frozenset({Intent.WEATHER, Intent.BOOKING, Intent.RECIPE, Intent.HUMAN})
HOTLINE_FAQ = "duong-day-nong"


class OutOfScopeFeature:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def claims(self, turn: Turn) -> bool:
        return turn.intent in OUT_OF_SCOPE

    async def handle(self, turn: Turn) -> list[Reply]:
        lang, pack = turn.lang, self._engine.pack
        if turn.intent is Intent.HUMAN:
            return [no_person(pack, lang)]
        if turn.intent is Intent.WEATHER:
            text = _(
                "I cannot give weather forecasts: please check a weather service before you"
                " go. I can tell you the best season for a place, and what is on when."
            )
        elif turn.intent is Intent.RECIPE:
            text = _(
                "I have no recipes: I can tell you where a dish comes from and where to taste"
                " or buy it."
            )
        else:
            text = _(
                "I cannot book rooms, tickets or tours. Please contact the hotel, the site"
                " or a travel agency directly; I can tell you about the places and festivals."
            )
        replies = [Reply(text=text, lang=lang, answered=False, buttons=menu_buttons())]
        extra = self._related(turn, pack)
        if extra is not None:
            replies.append(extra)
        return replies

    def _related(self, turn: Turn, pack: ContentPack) -> Reply | None:
        """What the content knows about the place asked about."""
        named = turn.parse.slots.items if turn.parse is not None else ()
        item = pack.items.get(named[0]) if named else None
        if item is None or item.kind == "province":
            return None
        return item_answer(pack, item, turn.today, turn.lang)


class NoPersonFeature:
    """Without a staff chat (``bot.handoff``), the /human command and the "Talk to a
    person" button (under an unhelpful answer) say how to reach the offices instead."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def claims(self, turn: Turn) -> bool:
        payload, command = turn.msg.payload, turn.command
        if payload is not None:
            return AskHuman.unpack(payload) is not None
        return command is not None and command[0] == "human"

    async def handle(self, turn: Turn) -> list[Reply]:
        return [no_person(self._engine.pack, turn.lang)]


def no_person(pack: ContentPack, lang: str) -> Reply:
    """No person to talk to here: what the content says about reaching the offices."""
    text = _(
        "I cannot put you through to a person yet. The tourism offices of each"
        " province answer visitors' questions; the page below says how to reach them."
    )
    faq = pack.items.get(HOTLINE_FAQ)
    refs: tuple[ItemRef, ...] = ()
    if faq is not None:
        text += "\n\n" + faq.summary.get(lang)
        refs = (answers.item_ref(faq),)
    return Reply(text=text, lang=lang, answered=False, items=refs)
