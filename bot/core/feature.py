"""The feature protocol: each feature claims the messages it handles and answers them.

The dispatcher holds an ordered list of features and knows none of them by name (the
pattern of aiogram's routers and python-telegram-bot's ``check_update`` + callback).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from bot.core.models import Inbound, Reply
from bot.store.users import User


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound message with what every feature needs to answer it."""

    msg: Inbound
    user: User
    lang: str  # the user's language (saved, else the bot's default)
    today: dt.date

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
    """One capability of the conversation (a command family, a button family, answering)."""

    async def claims(self, turn: Turn) -> bool:
        """Whether this feature answers ``turn`` (the first feature that claims it does)."""
        ...

    async def handle(self, turn: Turn) -> list[Reply]:
        """The replies to ``turn``; the locale is already set to ``turn.lang``."""
        ...
