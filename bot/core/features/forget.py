"""/forget: delete everything stored about the user, after a confirmation button."""

from __future__ import annotations

from bot.core.dialogue import DialogueKeeper
from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.models import Button, Reply
from bot.core.payloads import Forget
from bot.i18n import gettext as _
from bot.store.users import Users


class ForgetFeature:
    def __init__(self, users: Users, dialogues: DialogueKeeper) -> None:
        self._users = users
        self._dialogues = dialogues

    async def claims(self, turn: Turn) -> bool:
        if turn.msg.payload is not None:
            return Forget.unpack(turn.msg.payload) is not None
        command = turn.command
        return command is not None and command[0] == "forget"

    async def handle(self, turn: Turn) -> list[Reply]:
        lang = turn.lang
        if turn.msg.payload is None:
            text = _(
                "Delete everything I store about you (language, subscriptions, questions,"
                " ratings, conversations with staff)?"
            )
            buttons = (
                (
                    Button(_("Yes, delete"), payload=Forget("yes").pack()),
                    Button(_("No"), payload=Forget("no").pack()),
                ),
            )
            return [Reply(text=text, lang=lang, buttons=buttons)]
        payload = Forget.unpack(turn.msg.payload)
        if payload is not None and payload.answer == "yes":
            await self._users.forget(turn.user.channel, turn.user.user_id)
            self._dialogues.forget(turn.user.channel, turn.user.user_id)
            return [Reply(text=_("Done: I have deleted everything I stored about you."), lang=lang)]
        if payload is not None and payload.answer == "no":
            return [Reply(text=_("Nothing was deleted."), lang=lang)]
        return [stale_button(lang)]
