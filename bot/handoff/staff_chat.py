"""The staff chat's side of a handoff: take, write, close.

Everything said in the staff chat (``TOURBOT_STAFF_CHAT_ID``, a Telegram supergroup) is
claimed here, so the bot never answers staff chatter as if it were a visitor's question.
A message belongs to a handoff by its forum topic, or, where topics are off, by the bot
message it replies to. Every action is checked against the staff list on every request:
a group member who is not staff, or a forged button, changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.feature import Turn
from bot.core.models import Inbound, Reply
from bot.core.payloads import decode
from bot.handoff import texts
from bot.handoff.payloads import FAMILIES, CloseHandoff, TakeHandoff
from bot.handoff.visitor import HandoffDesk
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.redact import log_id
from bot.store.handoffs import Direction, Handoff

log = logging.getLogger(__name__)

STAFF_CHANNEL = "telegram"
# Left to the announcements side, which answers that they work in a private chat only.
STAFF_COMMANDS = frozenset({"announce", "stats", "staff"})

IsStaff = Callable[[str, str], Awaitable[bool]]
Audit = Callable[[str, str, str, bool], Awaitable[None]]


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 12 else None


class StaffChatFeature:
    """Claims every message of the staff chat; acts on those about a handoff."""

    raw = True

    def __init__(self, desk: HandoffDesk, chat_id: int, is_staff: IsStaff, audit: Audit) -> None:
        self._desk = desk
        self._chat_id = str(chat_id)
        self._is_staff = is_staff
        self._audit = audit

    async def claims(self, turn: Turn) -> bool:
        msg = turn.msg
        if msg.channel != STAFF_CHANNEL or msg.chat_id != self._chat_id:
            return False
        command = turn.command
        return command is None or command[0] not in STAFF_COMMANDS

    async def handle(self, turn: Turn) -> list[Reply]:
        msg = turn.msg
        with use_lang(self._desk.staff_lang):
            if msg.payload is not None:
                return await self._button(msg, msg.payload)
            command = turn.command
            if command is not None and command[0] != "close":
                return []
            handoff = await self._desk.handoffs.for_staff_message(
                _number(msg.thread_id), _number(msg.reply_to)
            )
            if handoff is None:
                return []  # staff talking among themselves
            if command is not None:
                if not await self._allowed(msg, "handoff.close"):
                    return [self._refused()]
                return [await self._close(msg, handoff, toast=False)]
            if not turn.text or not await self._is_staff(msg.channel, msg.user_id):
                return []  # a location, a sticker caption, a non-staff member's chatter
            return await self._write(msg, handoff, turn.text)

    async def _button(self, msg: Inbound, raw: str) -> list[Reply]:
        payload = decode(raw, FAMILIES)
        if payload is None:
            return []  # not a handoff button: nothing to do in the staff chat
        if not await self._allowed(msg, f"button {raw[:20]}"):
            return [self._refused()]
        assert isinstance(payload, TakeHandoff | CloseHandoff)
        handoff = await self._desk.handoffs.get(payload.handoff_id)
        if handoff is None:
            return [
                Reply(text=_("This conversation no longer exists."), lang=self._lang, toast=True)
            ]
        if isinstance(payload, CloseHandoff):
            return [await self._close(msg, handoff, toast=True)]
        return [await self._take(msg, handoff)]

    @property
    def _lang(self) -> str:
        return self._desk.staff_lang

    async def _allowed(self, msg: Inbound, action: str) -> bool:
        allowed = await self._is_staff(msg.channel, msg.user_id)
        if not allowed:
            log.warning("refused %s in the staff chat from user %s", action, log_id(msg.user_id))
        await self._audit(msg.channel, msg.user_id, action, allowed)
        return allowed

    def _refused(self) -> Reply:
        text = _("Sorry, only the tourism office staff can do this.")
        return Reply(text=text, lang=self._lang, answered=False, toast=True)

    async def _take(self, msg: Inbound, handoff: Handoff) -> Reply:
        desk, now, staff = self._desk, self._desk.clock(), _author(msg)
        if handoff.status == "claimed" and handoff.claimed_by == staff:
            return Reply(text=_("You have this conversation already."), lang=self._lang, toast=True)
        taken = await desk.handoffs.claim(handoff.id, staff, now)
        if taken is None:
            text = _("Someone else has this conversation already.")
            return Reply(text=text, lang=self._lang, toast=True)
        await desk.handoffs.note(handoff.id, texts.claimed_by(_name(msg)), now)
        with use_lang(handoff.lang):
            await desk.handoffs.add(handoff.id, "out", texts.claimed(), now, staff)
        return Reply(text=_("It is yours: write in this topic."), lang=self._lang, toast=True)

    async def _close(self, msg: Inbound, handoff: Handoff, toast: bool) -> Reply:
        with use_lang(handoff.lang):
            ended = texts.ended()
        notices: list[tuple[Direction, str]] = [
            ("out", ended),
            ("note", texts.closed_by(_name(msg))),
        ]
        closed = await self._desk.handoffs.close(
            handoff.id, _author(msg), self._desk.clock(), notices
        )
        text = _("Closed.") if closed else _("This conversation is closed already.")
        return Reply(text=text, lang=self._lang, toast=toast, answered=False)

    async def _write(self, msg: Inbound, handoff: Handoff, text: str) -> list[Reply]:
        """A staff member's message to the visitor (taking the conversation if nobody has)."""
        desk, now, staff = self._desk, self._desk.clock(), _author(msg)
        if handoff.status != "claimed":
            taken = await desk.handoffs.claim(handoff.id, staff, now)
            if taken is None:  # the visitor is in another conversation with staff now
                text = _("The visitor has a newer conversation: please write there.")
                return [Reply(text=text, lang=self._lang, answered=False)]
            await desk.handoffs.note(handoff.id, texts.claimed_by(_name(msg)), now)
        with use_lang(handoff.lang):
            relayed = texts.from_staff(text)
        await desk.handoffs.add(handoff.id, "out", relayed, now, staff)
        return []


def _author(msg: Inbound) -> str:
    return f"{msg.channel}:{msg.user_id}"


def _name(msg: Inbound) -> str:
    return msg.display_name or _("A staff member")
