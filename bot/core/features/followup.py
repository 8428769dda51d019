"""Follow-ups: messages that only make sense about what the conversation is about.

"how far is it from Hanoi?", "khi nào?", "gần đó có gì", "remind me", "nhắc tôi". The
subject is the item the last content reply was about; a pronoun is replaced by its name
(or an elliptic question gets the name in front) and the question is answered as if the
visitor had typed it whole, so every kind of answer works for follow-ups too.
"""

from __future__ import annotations

import dataclasses
import re

from bot.content.schema import Event, Item, Place
from bot.core.answers import item_ref
from bot.core.dialogue import resolve
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

SHORT_WORDS = 5  # a follow-up about one aspect is short: "khi nào?", "năm sau vào ngày nào"
_FESTIVAL = re.compile(r"\b(?:le hoi|hoi|festivals?)\b")


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
        if turn.intent is Intent.QUESTION and self._around(turn) is not None:
            return True  # "what is there to see around Ba Be lake": around the place named
        if turn.parse is None or not turn.state.subject:
            return turn.intent is Intent.REMIND  # "remind me" without a subject: ask which
        if turn.intent is Intent.REMIND:
            return True
        slots = turn.parse.slots
        if turn.intent is not Intent.QUESTION or slots.items:
            return False
        # "khi nào?", "năm sau vào ngày nào": a short question about one aspect only.
        short = slots.aspect is not None and len(turn.text.split()) <= SHORT_WORDS
        return slots.follow_up or short

    def _around(self, turn: Turn) -> Place | None:
        """The place a "what is near X" question names, if that is what it asks."""
        if turn.parse is None or turn.parse.slots.aspect is not Aspect.NEARBY:
            return None
        named = turn.parse.slots.items
        place = self._engine.pack.items.get(named[0]) if named else None
        return place if isinstance(place, Place) else None

    async def handle(self, turn: Turn) -> list[Reply]:
        pack = self._engine.pack
        subject = pack.items.get(turn.state.subject[0]) if turn.state.subject else None
        subject = self._around(turn) or subject
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
            heading = _("Places nearest to {name}:").format(name=subject.name.get(turn.lang))
            rough = subject.coordinates.precision != "site"
            nearest = self._nearby.nearest(here, turn.lang, subject.id, heading, rough)
            # Still about the place: "there" in the next message is the place itself.
            nearest = dataclasses.replace(nearest, items=(item_ref(subject), *nearest.items))
            return [self._with_related(nearest, subject, turn.lang)]
        lang = self._engine.language_of(turn.text, turn.user.lang)
        return await self._answer.answer_text(turn, resolve(turn.text, subject, lang))

    def _with_related(self, nearest: Reply, subject: Item, lang: str) -> Reply:
        """The nearest places, then the places the content pairs with the subject (its
        ``related``), which are what a visit there is combined with even when a closer
        place lies across a river."""
        pack = self._engine.pack
        names = [
            place.name.get(lang)
            for ident in subject.related
            if isinstance(place := pack.items.get(ident), Place)
            and place.name.get(lang) not in nearest.text
        ]
        if not names:
            return nearest
        line = _("Often combined with it: {names}").format(names=", ".join(names))
        return dataclasses.replace(nearest, text=f"{nearest.text}\n\n{line}")

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
