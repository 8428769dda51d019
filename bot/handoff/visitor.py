"""The visitor's side of a handoff: asking for a person, talking to them, coming back.

Two features. ``HandoffRequest`` answers "talk to a person" (the intent, /human, the
"Talk to a person" button) by opening a handoff. ``HandoffRouting`` is asked before any
understanding: while the visitor's conversation is with staff (``User.handoff``, read with
the user row, so the check costs no query), what they type or share goes to staff and the
bot says nothing; /bot or the "Back to the bot" button gives the chat back to the bot.
Other commands and buttons (/forget, /language...) still work meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.feature import Turn
from bot.core.models import Button, Reply
from bot.core.payloads import AskHuman, BackToBot
from bot.handoff import texts
from bot.handoff.hours import StaffHours
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.nlu import Intent
from bot.store.handoffs import Handoffs


@dataclass(frozen=True, slots=True)
class HandoffDesk:
    """What both sides of the handoff share."""

    handoffs: Handoffs
    hours: StaffHours
    wait_minutes: int
    staff_lang: str  # the staff chat's language (the bot's default)
    clock: Callable[[], float] = time.time


def back_button() -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("Back to the bot"), payload=BackToBot().pack()),),)


def _private(turn: Turn) -> bool:
    return turn.msg.chat_id == turn.msg.user_id


class HandoffRequest:
    """Opens a handoff when the visitor asks for a person."""

    def __init__(self, desk: HandoffDesk) -> None:
        self._desk = desk

    async def claims(self, turn: Turn) -> bool:
        payload = turn.msg.payload
        if payload is not None:
            return AskHuman.unpack(payload) is not None or BackToBot.unpack(payload) is not None
        command = turn.command
        if command is not None:
            return command[0] in ("human", "bot")
        return turn.intent is Intent.HUMAN

    async def handle(self, turn: Turn) -> list[Reply]:
        lang = turn.lang
        payload, command = turn.msg.payload, turn.command
        if (payload is not None and BackToBot.unpack(payload) is not None) or (
            command is not None and command[0] == "bot"
        ):
            return [Reply(text=texts.not_talking(), lang=lang, answered=False)]
        if not _private(turn):
            text = _("To talk to a person, please write to me in a private chat.")
            return [Reply(text=text, lang=lang, answered=False)]
        desk, now = self._desk, self._desk.clock()
        question = turn.text if payload is None and command is None else ""
        turns = turn.state.turns
        if not question and turns:
            question = turns[-1][0]  # the visitor's last question before the button
        block = "\n".join(
            f"👤 {asked}\n🤖 {answer}" if answer else f"👤 {asked}" for asked, answer in turns
        )
        _handoff, new = await desk.handoffs.open(
            turn.user.channel, turn.user.user_id, lang, question, block, now
        )
        if not new:
            return [Reply(text=texts.already_waiting(), lang=lang, answered=False)]
        text = texts.requested(desk.hours, desk.wait_minutes, now)
        return [Reply(text=text, lang=lang, answered=False, buttons=back_button())]


class HandoffRouting:
    """While staff have the conversation: the visitor's messages go to them."""

    raw = True  # before understanding: the message is for a person, not the classifier

    def __init__(self, desk: HandoffDesk) -> None:
        self._desk = desk

    async def claims(self, turn: Turn) -> bool:
        if turn.user.handoff is None or not _private(turn):
            return False
        msg = turn.msg
        if msg.payload is not None:
            return (
                BackToBot.unpack(msg.payload) is not None
                or AskHuman.unpack(msg.payload) is not None
            )
        command = turn.command
        if command is not None:
            return command[0] in ("bot", "human")
        return msg.location is not None or bool(turn.text)

    async def handle(self, turn: Turn) -> list[Reply]:
        desk, lang, now = self._desk, turn.lang, self._desk.clock()
        ident = turn.user.handoff
        assert ident is not None  # claims() checked
        msg, command = turn.msg, turn.command
        going_back = (msg.payload is not None and BackToBot.unpack(msg.payload) is not None) or (
            command is not None and command[0] == "bot"
        )
        if going_back:
            with use_lang(desk.staff_lang):
                note = texts.closed_by_visitor()
            await desk.handoffs.close(ident, "visitor", now, [("note", note)])
            return [Reply(text=texts.back_to_bot(), lang=lang, answered=False)]
        if msg.payload is not None or command is not None:  # asks for a person again
            return [
                Reply(
                    text=texts.already_waiting(), lang=lang, answered=False, buttons=back_button()
                )
            ]
        if msg.location is not None:
            with use_lang(desk.staff_lang):
                text = texts.location(msg.location)
        else:
            text = turn.text
        if await desk.handoffs.add(ident, "in", text, now):
            return []  # a person answers; the bot keeps quiet
        # Closed meanwhile (by staff, or the quiet period): the visitor is back with the bot.
        return [Reply(text=texts.ended(), lang=lang, answered=False)]
