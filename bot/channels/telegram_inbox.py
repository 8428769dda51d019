"""Telegram updates survive a crash: stored when received, deleted once handled.

Polling confirms every update to Telegram with the next ``getUpdates``, and a webhook is
answered at once, both before the update is handled; a process killed in between would
lose it. PTB puts every update, polled or posted, on its ``update_queue``: this queue
stores the update first. The update processor reports each update handled (or failed:
the user had an apology), and those are deleted a batch at a time; what is left at the
next start is queued again before new updates (handled at least once).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import Update

from bot.batching import WriteBehind
from bot.store.inbox import TelegramInbox

log = logging.getLogger(__name__)

FLUSH_DELAY = 0.2  # seconds: handled updates within this window are deleted together


class DurableQueue(asyncio.Queue[object]):
    """PTB's update queue, storing each update before it is queued."""

    def __init__(self, inbox: TelegramInbox, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._inbox = inbox
        self._clock = clock
        self._handled: list[int] = []
        self._writes = WriteBehind(self.flush, FLUSH_DELAY)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            try:
                await self._inbox.add(item.update_id, item.to_json(), self._clock())
            except Exception:  # answering matters more than surviving a crash
                log.exception("telegram: update %s not stored", item.update_id)
        await super().put(item)

    def handled(self, update: object) -> None:
        """The processor's callback: ``update`` needs no handling after a restart."""
        if not isinstance(update, Update):
            return
        self._handled.append(update.update_id)
        self._writes.poke()

    async def flush(self) -> None:
        ids, self._handled = self._handled, []
        try:
            await self._inbox.handled(ids)
        except Exception:  # handled again after a restart: a duplicate, not a loss
            log.exception("telegram: %d handled updates not recorded", len(ids))

    async def replay(self, bot: Any) -> int:
        """Queue the updates left unhandled by the last run; returns how many."""
        waiting = await self._inbox.waiting()
        for body in waiting:
            update = Update.de_json(json.loads(body), bot)
            if update is not None:
                await super().put(update)
        if waiting:
            log.info("telegram: %d updates received before a stop handled now", len(waiting))
        return len(waiting)

    async def close(self) -> None:
        await self._writes.close()
