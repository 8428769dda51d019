"""Process updates of one chat in order and different chats concurrently."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


def ordering_key(update: object) -> int | None:
    """The chat whose updates must stay in order; None for updates that need no order.

    Inline queries are left unordered: each answer stands alone and a stale one is
    harmless. A button pressed under an inline message has no chat; its user is the key.
    """
    if not isinstance(update, Update) or update.inline_query is not None:
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Per-chat FIFO on top of PTB's concurrent processing.

    The first update of an idle chat is processed in its own task; updates of that chat
    arriving meanwhile are queued and run by the same task, one after the other. So a
    chat occupies at most one of the ``max_concurrent_updates`` slots: a user flooding
    the bot cannot starve the others, as a lock per chat (every waiter holding a slot)
    would. The queue is dropped as soon as the chat is idle.
    """

    __slots__ = ("_done", "_pending")

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        on_done: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._pending: dict[int, deque[tuple[object, Awaitable[Any]]]] = {}
        self._done = on_done  # told of each update handled (or failed), not cancelled

    @property
    def busy_chats(self) -> int:
        """Chats with an update in progress (for tests and metrics)."""
        return len(self._pending)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        if key is None:
            try:
                await coroutine
            finally:
                self._handled(update)
            return
        queue = self._pending.get(key)
        if queue is not None:
            queue.append((update, coroutine))
            return
        queue = self._pending[key] = deque([(update, coroutine)])
        try:
            while queue:
                current, work = queue.popleft()
                try:
                    await work
                except Exception:
                    # PTB routes handler errors to the error handlers; anything reaching
                    # here must not cost the chat its later updates.
                    log.exception("telegram: processing an update of chat %s failed", key)
                finally:
                    self._handled(current)
        finally:
            del self._pending[key]
            for _left, work in queue:  # only on cancellation (shutdown)
                if isinstance(work, Coroutine):
                    work.close()

    def _handled(self, update: object) -> None:
        task = asyncio.current_task()
        if self._done is not None and not (task is not None and task.cancelling()):
            self._done(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: queues empty themselves as chats go idle."""
