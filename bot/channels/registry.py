"""The channels ``tourbot run`` can serve, by name, and what serving one takes.

A channel is one module with two functions, ``make_sender(settings, db)`` (the sender
announcements go out through) and ``serve_channel(ctx, sender, stop)`` (updates in, replies
out until ``stop``); adding a channel is that module plus one line in ``CHANNELS``.
Modules are imported only when their channel is served.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from typing import Protocol, cast

from bot.config import Settings
from bot.core.outbound import Sender
from bot.core.ports import Conversation
from bot.store.db import Db

CHANNELS: dict[str, str] = {
    "telegram": "bot.channels.telegram",
    "zalo-bot": "bot.channels.zalo_bot",
    "zalo-oa": "bot.channels.zalo_oa",
}


class ChannelConfigError(ValueError):
    """The settings do not allow starting a channel: retrying cannot help."""


@dataclass(frozen=True, slots=True)
class Serving:
    """What every channel is served with."""

    settings: Settings
    conversation: Conversation
    db: Db
    webhook: bool


class ChannelModule(Protocol):
    """The two functions a channel module provides."""

    def make_sender(self, settings: Settings, db: Db) -> Sender:
        """The channel's sender for announcements (closed with ``close()``)."""
        ...

    async def serve_channel(self, ctx: Serving, sender: Sender, stop: asyncio.Event) -> None:
        """Serve the channel until ``stop``; ``sender`` is the one announcements use."""
        ...


def channel_module(name: str) -> ChannelModule:
    """The module of channel ``name`` (one of ``CHANNELS``)."""
    return cast(ChannelModule, importlib.import_module(CHANNELS[name]))
