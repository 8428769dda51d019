"""What the bot says to a command it does not know and to a button it cannot read."""

from __future__ import annotations

from bot.core.feature import Turn
from bot.core.features.start import commands_text
from bot.core.models import Reply
from bot.core.replies import menu_buttons
from bot.i18n import gettext as _


class UnknownCommandFeature:
    """Any "/command" no feature before it claimed."""

    async def claims(self, turn: Turn) -> bool:
        return turn.command is not None

    async def handle(self, turn: Turn) -> list[Reply]:
        text = _("I don't know that command.") + "\n\n" + commands_text()
        return [Reply(text=text, lang=turn.lang, answered=False)]


class StaleButtonFeature:
    """Any button payload no feature before it claimed: forged, stale or from old content."""

    async def claims(self, turn: Turn) -> bool:
        return turn.msg.payload is not None

    async def handle(self, turn: Turn) -> list[Reply]:
        return [stale_button(turn.lang)]


def stale_button(lang: str) -> Reply:
    """The answer to a button that no longer means anything (forged, or from old content)."""
    return Reply(
        text=_("That button is no longer valid. Here is the menu again."),
        lang=lang,
        answered=False,
        buttons=menu_buttons(),
    )
