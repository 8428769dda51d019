"""What channel adapters need from the core, as protocols (the core implements them)."""

from __future__ import annotations

from typing import Protocol

from bot.core.models import Inbound, Reply


class Conversation(Protocol):
    """The channel-neutral side of a conversation, implemented by the core dispatcher."""

    async def handle(self, msg: Inbound) -> list[Reply]:
        """Answer one inbound message (text, command, button payload or location)."""
        ...

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        """Shareable one-item cards matching ``query`` (for inline mode); may be empty."""
        ...

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        """Remember that the user blocked the bot, so later sends skip them."""
        ...
