"""The conversation: each message goes to the first feature that claims it.

The dispatcher knows no feature by name: the composition root passes the ordered list
(staff first, answering last). Per message it loads the user and the chat's dialogue
state (one upsert), understands typed text once (``bot.nlu``), maps a typed number to the
option it picks, and after the reply remembers the new subject and options. It is also
the one error boundary of the core: a feature's failure is logged with context and
answered with an apology.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence

from bot.core.dialogue import DialogueKeeper, DialogueState
from bot.core.feature import Feature, Turn
from bot.core.features.answer import InlineCards
from bot.core.models import Inbound, Reply
from bot.i18n import gettext as _
from bot.i18n import normalize_lang, use_lang
from bot.nlu import Parse, Understanding
from bot.store.users import Users

log = logging.getLogger(__name__)


class Dispatcher:
    """Implements ``bot.core.ports.Conversation`` for every channel."""

    def __init__(
        self,
        features: Sequence[Feature],
        users: Users,
        cards: InlineCards,
        today: Callable[[], dt.date],
        default_lang: str,
        dialogues: DialogueKeeper,
        nlu: Callable[[], Understanding],
        language_of: Callable[[str, str | None], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.features = tuple(features)
        self.users = users
        self._cards = cards
        self.today = today
        self.default_lang = default_lang
        self.dialogues = dialogues
        self._nlu = nlu
        self._language_of = language_of
        self._clock = clock

    async def handle(self, msg: Inbound) -> list[Reply]:
        user = await self.users.touch(msg.channel, msg.user_id, normalize_lang(msg.language_hint))
        state = self.dialogues.state_of(user)
        turn = Turn(msg, user, user.lang or self.default_lang, self.today(), state)
        # Features that read the raw message (a staff member typing an announcement)
        # come before any understanding or language guess.
        raw = [f for f in self.features if getattr(f, "raw", False)]
        replies = await self._dispatch(turn, raw)
        if replies is None:
            understood = await self._understood(turn)
            if isinstance(understood, Reply):
                return [understood]
            rest = [f for f in self.features if not getattr(f, "raw", False)]
            replies = await self._dispatch(understood, rest) or []
        if replies:
            asked = (msg.text or "").strip() if msg.payload is None else ""
            self.dialogues.update(user, state.after(replies, self._clock(), asked))
        return replies

    async def _understood(self, turn: Turn) -> Turn | Reply:
        """``turn`` with its text understood and its language chosen, a typed number
        replaced by the option it picks; or the reply to a number that picks nothing."""
        msg, user, state = turn.msg, turn.user, turn.state
        parse = self._understand(msg)
        if parse is None:
            return turn
        lang = turn.lang
        if not user.lang_explicit:
            # Typed text answers in the language it is written in (an undecided message
            # keeps the saved one), until the visitor chooses one with /language.
            lang = self._language_of(msg.text or "", user.lang)
            if lang != user.lang:
                await self.users.set_lang(user.channel, user.user_id, lang, explicit=False)
        option = parse.slots.option
        typed = (msg.text or "").strip()
        if option is None and typed.isascii() and typed.isdigit() and state.options:
            option = int(typed)  # "0", "15": a number, if not one on offer
        if option is not None and state.options:
            if not 1 <= option <= len(state.options):
                return _invalid_option(len(state.options), lang)
            # A typed number is the button it stands for, on every channel.
            picked = dataclasses.replace(msg, text=None, payload=state.options[option - 1])
            return dataclasses.replace(turn, msg=picked, lang=lang)
        return dataclasses.replace(turn, lang=lang, parse=parse)

    def _understand(self, msg: Inbound) -> Parse | None:
        text = (msg.text or "").strip()
        if msg.payload is not None or msg.location is not None or not text:
            return None
        if text.startswith("/"):
            return None
        return self._nlu().understand(text, self.today())

    async def _dispatch(self, turn: Turn, features: Sequence[Feature]) -> list[Reply] | None:
        """The replies of the first of ``features`` that claims ``turn``; None if none."""
        for feature in features:
            if await feature.claims(turn):
                with use_lang(turn.lang):
                    try:
                        return await feature.handle(turn)
                    except Exception:
                        log.exception(
                            "%s failed on a %s message", type(feature).__name__, turn.msg.channel
                        )
                        text = _("Sorry, something went wrong. Please try again.")
                        return [Reply(text=text, lang=turn.lang, answered=False)]
        return None

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        """One card per matching item, for sharing (inline mode)."""
        return await self._cards.cards(query, lang, limit)

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        await self.users.mark_blocked(channel, user_id)

    async def close(self) -> None:
        """Write the dialogue states still pending."""
        await self.dialogues.close()


def _invalid_option(count: int, lang: str) -> Reply:
    with use_lang(lang):
        if count == 1:
            text = _("There is only one option: reply 1, or ask me something else.")
        else:
            text = _("Please reply with a number from 1 to {n}, or ask me something else.")
        return Reply(text=text.format(n=count), lang=lang, answered=False)


__all__ = ["DialogueState", "Dispatcher"]
