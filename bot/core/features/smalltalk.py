"""Small talk: greetings, thanks, goodbyes, help, insults, a bare yes or no.

Short, friendly and in the visitor's language; never searched, never logged as a question
the bot could not answer.
"""

from __future__ import annotations

import dataclasses

from bot.core.feature import Turn
from bot.core.features.start import commands_text
from bot.core.models import Reply
from bot.core.replies import help_text, menu_buttons
from bot.i18n import gettext as _
from bot.nlu import Intent

SMALL_TALK = frozenset(
    {
        Intent.GREETING,
        Intent.THANKS,
        Intent.GOODBYE,
        Intent.HELP,
        Intent.ABUSE,
        Intent.AFFIRM,
        Intent.DENY,
    }
)


class SmallTalkFeature:
    """Replies are marked not answered: they answer no question about the content (the
    eval contract), and nothing of them goes to the question log either."""

    async def claims(self, turn: Turn) -> bool:
        return turn.intent in SMALL_TALK

    async def handle(self, turn: Turn) -> list[Reply]:
        return [dataclasses.replace(r, answered=False) for r in self._replies(turn)]

    def _replies(self, turn: Turn) -> list[Reply]:
        lang, intent = turn.lang, turn.intent
        if intent is Intent.GREETING:
            return [Reply(text=help_text(), lang=lang, buttons=menu_buttons())]
        if intent is Intent.HELP:
            text = help_text() + "\n\n" + commands_text()
            return [Reply(text=text, lang=lang, buttons=menu_buttons())]
        if intent is Intent.THANKS:
            text = _("You're welcome! Ask me anything else about festivals, places or tours.")
            return [Reply(text=text, lang=lang)]
        if intent is Intent.GOODBYE:
            return [Reply(text=_("Goodbye, and enjoy your trip!"), lang=lang)]
        if intent is Intent.ABUSE:
            text = _(
                "Sorry I could not help. Try asking about a place, a festival or a tour,"
                " or press a button below."
            )
            return [Reply(text=text, lang=lang, buttons=menu_buttons())]
        if intent is Intent.AFFIRM:
            return [Reply(text=_("Good! What else would you like to know?"), lang=lang)]
        text = _("All right. Ask me whenever you like, or press a button below.")
        return [Reply(text=text, lang=lang, buttons=menu_buttons())]
