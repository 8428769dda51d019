"""The feature protocol: each feature claims the messages it handles and answers them.

The dispatcher holds an ordered list of features and knows none of them by name (the
pattern of aiogram's routers and python-telegram-bot's ``check_update`` + callback).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.dialogue import DialogueState
from bot.core.models import Inbound, Reply
from bot.nlu import Intent, Parse
from bot.store.users import User


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound message with what every feature needs to answer it."""

    msg: Inbound
    user: User
    lang: str  # the user's language (saved, else the bot's default)
    today: dt.date
    state: DialogueState = field(default_factory=DialogueState)
    parse: Parse | None = None  # typed text only (not commands, buttons or locations)

    @property
    def intent(self) -> Intent | None:
        return self.parse.intent if self.parse is not None else None

    def about(self) -> str | None:
        """The item the message is about: one it names, else the conversation's subject
        when the message refers back to it (or names nothing at all)."""
        if self.parse is not None and self.parse.slots.items:
            return self.parse.slots.items[0]
        return self.state.subject[0] if self.state.subject else None

    @property
    def text(self) -> str:
        return (self.msg.text or "").strip()

    @property
    def command(self) -> tuple[str, str] | None:
        """("start", "arg") for "/start@bot arg"; None when the text is not a command."""
        text = self.text
        if not text.startswith("/") or self.msg.payload is not None:
            return None
        head, _sep, arg = text.partition(" ")
        return head[1:].split("@", 1)[0].lower(), arg.strip()


class Feature(Protocol):
    """One capability of the conversation (a command family, a button family, answering).

    A feature with a true class attribute ``raw`` is asked before the message is
    understood or its language guessed (the staff side: an announcement's text is text,
    not a question).
    """

    async def claims(self, turn: Turn) -> bool:
        """Whether this feature answers ``turn`` (the first feature that claims it does)."""
        ...

    async def handle(self, turn: Turn) -> list[Reply]:
        """The replies to ``turn``; the locale is already set to ``turn.lang``."""
        ...
