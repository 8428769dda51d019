"""/language and the language buttons: the user's explicit choice of language."""

from __future__ import annotations

from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.models import Button, Reply
from bot.core.payloads import ChooseLanguage
from bot.core.replies import menu_buttons
from bot.i18n import LANGS, normalize_lang, use_lang
from bot.i18n import gettext as _
from bot.nlu import Intent
from bot.store.users import User, Users


class LanguageFeature:
    """Sets the language for good; a guess from a message never overrides this choice."""

    def __init__(self, users: Users) -> None:
        self._users = users

    async def claims(self, turn: Turn) -> bool:
        if turn.msg.payload is not None:
            return ChooseLanguage.unpack(turn.msg.payload) is not None
        if turn.intent is Intent.SWITCH_LANGUAGE:
            return True
        command = turn.command
        return command is not None and command[0] == "language"

    async def handle(self, turn: Turn) -> list[Reply]:
        if turn.msg.payload is not None:
            payload = ChooseLanguage.unpack(turn.msg.payload)
            if payload is not None and payload.code in LANGS:
                return [await self.set_language(turn.user, payload.code)]
            return [stale_button(turn.lang)]
        if turn.parse is not None:  # "in English please", "nói tiếng Việt đi"
            chosen = turn.parse.slots.target_lang
        else:
            assert turn.command is not None
            chosen = normalize_lang(turn.command[1])
        if chosen:
            return [await self.set_language(turn.user, chosen)]
        buttons = (
            (
                Button("Tiếng Việt", payload=ChooseLanguage("vi").pack()),
                Button("English", payload=ChooseLanguage("en").pack()),
            ),
        )
        return [Reply(text=_("Choose your language:"), lang=turn.lang, buttons=buttons)]

    async def set_language(self, user: User, lang: str) -> Reply:
        await self._users.set_lang(user.channel, user.user_id, lang, explicit=True)
        with use_lang(lang):
            text = _("I will answer in English from now on.")
            return Reply(text=text, lang=lang, buttons=menu_buttons())
