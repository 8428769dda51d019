"""Write-behind: many changes, one write shortly after the first of them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class WriteBehind:
    """Runs ``flush`` ``delay`` seconds after the first ``poke`` of a burst, so that the
    changes made meanwhile go out together; ``close`` flushes at once (shutting down)."""

    def __init__(self, flush: Callable[[], Awaitable[None]], delay: float) -> None:
        self._flush = flush
        self._delay = delay
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._later())

    async def _later(self) -> None:
        await asyncio.sleep(self._delay)
        await self._flush()

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._flush()
