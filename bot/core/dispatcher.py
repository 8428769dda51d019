"""The conversation: each message goes to the first feature that claims it.

The dispatcher knows no feature by name: the composition root passes the ordered list
(staff first, answering last). It is also the one error boundary of the core: a
feature's failure is logged with context and answered with an apology.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from bot.core.feature import Feature, Turn
from bot.core.features.answer import InlineCards
from bot.core.models import Inbound, Reply
from bot.i18n import gettext as _
from bot.i18n import normalize_lang, use_lang
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
    ) -> None:
        self.features = tuple(features)
        self.users = users
        self._cards = cards
        self.today = today
        self.default_lang = default_lang

    async def handle(self, msg: Inbound) -> list[Reply]:
        user = await self.users.touch(msg.channel, msg.user_id, normalize_lang(msg.language_hint))
        turn = Turn(msg, user, user.lang or self.default_lang, self.today())
        for feature in self.features:
            if await feature.claims(turn):
                with use_lang(turn.lang):
                    try:
                        return await feature.handle(turn)
                    except Exception:
                        log.exception(
                            "%s failed on a %s message", type(feature).__name__, msg.channel
                        )
                        text = _("Sorry, something went wrong. Please try again.")
                        return [Reply(text=text, lang=turn.lang, answered=False)]
        return []

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        """One card per matching item, for sharing (inline mode)."""
        return await self._cards.cards(query, lang, limit)

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        await self.users.mark_blocked(channel, user_id)
