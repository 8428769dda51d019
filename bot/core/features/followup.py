"""Follow-ups: messages that only make sense about what the conversation is about.

"how far is it from Hanoi?", "khi nào?", "gần đó có gì", "remind me", "nhắc tôi". The
subject is the item the last content reply was about; a pronoun is replaced by its name
(or an elliptic question gets the name in front) and the question is answered as if the
visitor had typed it whole, so every kind of answer works for follow-ups too.
"""

from __future__ import annotations

import re

from bot.content.schema import Event, Item, Place
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.features.answer import AnswerFeature
from bot.core.features.nearby import NearbyFeature
from bot.core.features.subscriptions import SubscriptionFeature
from bot.core.models import Location, Reply
from bot.core.replies import item_answer, menu_buttons
from bot.i18n import gettext as _
from bot.nlu import Aspect, Intent
from bot.text.fold import fold

# The words that point back at the subject, longest first so "ở đó" goes before "đó".
_FESTIVAL = re.compile(r"\b(?:le hoi|hoi|festivals?)\b")
_POINTERS = re.compile(
    r"\b(?:ở đó|ở đấy|chỗ đó|chỗ ấy|nơi đó|nơi ấy|o do|cho do|noi do|that place|this place"
    r"|there|its|it|nó|đó|đấy)\b",
    re.IGNORECASE,
)


class FollowUpFeature:
    def __init__(
        self,
        engine: Engine,
        answer: AnswerFeature,
        nearby: NearbyFeature,
        subscriptions: SubscriptionFeature,
    ) -> None:
        self._engine = engine
        self._answer = answer
        self._nearby = nearby
        self._subscriptions = subscriptions

    async def claims(self, turn: Turn) -> bool:
        if turn.parse is None or not turn.state.subject:
            return turn.intent is Intent.REMIND  # "remind me" without a subject: ask which
        if turn.intent is Intent.REMIND:
            return True
        slots = turn.parse.slots
        return turn.intent is Intent.QUESTION and slots.follow_up and not slots.items

    async def handle(self, turn: Turn) -> list[Reply]:
        pack = self._engine.pack
        subject = pack.items.get(turn.state.subject[0]) if turn.state.subject else None
        if turn.intent is Intent.REMIND:
            return [await self._remind(turn, subject)]
        assert turn.parse is not None and subject is not None
        aspect = turn.parse.slots.aspect
        festival = self._festival_at(subject)
        if festival is not None and (aspect is Aspect.WHEN or _FESTIVAL.search(fold(turn.text))):
            # "when is its festival?" about a place: the festival held there.
            return [item_answer(self._engine.pack, festival, turn.today, turn.lang)]
        if aspect is Aspect.NEARBY and isinstance(subject, Place) and subject.coordinates:
            here = Location(subject.coordinates.lat, subject.coordinates.lon)
            return [self._nearby.nearest(here, turn.lang, skip=subject.id)]
        lang = self._engine.language_of(turn.text, turn.user.lang)
        return await self._answer.answer_text(turn, resolve(turn.text, subject, lang))

    async def _remind(self, turn: Turn, subject: Item | None) -> Reply:
        event = subject if isinstance(subject, Event) else self._festival_at(subject)
        if event is None:
            text = _("Which festival should I remind you of? Choose one from the list.")
            return Reply(text=text, lang=turn.lang, answered=False, buttons=menu_buttons())
        return await self._subscriptions.remind(turn.user, event.id, turn.lang)

    def _festival_at(self, item: Item | None) -> Event | None:
        """The festival held at a place the conversation is about."""
        if item is None:
            return None
        for event in self._engine.pack.events():
            if item.id in event.places:
                return event
        return None


def resolve(text: str, subject: Item, lang: str) -> str:
    """``text`` about ``subject``: its pointer word replaced by the subject's name, or the
    name put in front of an elliptic question ("bao xa?" → "Côn Sơn bao xa?").

    The shortest alias of two words or more stands for the name when there is one: "Côn
    Sơn" finds the pages about Côn Sơn better than "Côn Sơn Relic Site" would."""
    short = [a for a in subject.aliases if len(a.split()) >= 2]
    name = min(short, key=len) if short else subject.name.get(lang)
    resolved, count = _POINTERS.subn(name, text, count=1)
    return resolved if count else f"{name} {text}"
