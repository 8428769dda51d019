"""/start (with deep links to an item) and /help."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.loader import ContentPack
from bot.core.feature import Turn
from bot.core.models import Reply
from bot.core.replies import help_text, item_answer, menu_buttons
from bot.i18n import gettext as _


class StartFeature:
    """Greets on /start; ``/start <item_id>`` (a t.me deep link) also shows that item."""

    def __init__(self, pack: Callable[[], ContentPack]) -> None:
        self._pack = pack

    async def claims(self, turn: Turn) -> bool:
        command = turn.command
        return command is not None and command[0] in ("start", "help")

    async def handle(self, turn: Turn) -> list[Reply]:
        assert turn.command is not None
        name, arg = turn.command
        if name == "help":
            text = help_text() + "\n\n" + commands_text()
            return [Reply(text=text, lang=turn.lang, buttons=menu_buttons())]
        pack = self._pack()
        item = pack.items.get(arg.replace("_", "-")) if arg else None
        if item is not None:
            return [
                Reply(text=help_text(), lang=turn.lang),
                item_answer(pack, item, turn.today, turn.lang),
            ]
        return [Reply(text=help_text(), lang=turn.lang, buttons=menu_buttons())]


def commands_text() -> str:
    """The visitor commands, one per line."""
    return _(
        "/events — what is on\n/tours — joint tours\n/places — places by province\n"
        "/subscribe — event announcements\n/unsubscribe — stop announcements\n"
        "/language — Tiếng Việt / English\n/forget — delete my data"
    )
