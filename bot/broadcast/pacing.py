"""Pacing for bulk sends: a global rate with flood-control pauses, and per-chat spacing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Protocol

log = logging.getLogger(__name__)


class _Paced:
    """What both pacers share: the rate, the clock and flood-control pauses."""

    def __init__(self, rate: float, clock: Callable[[], float], catch_up: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._catch_up = max(catch_up, self.interval)
        self._clock = clock
        self._paused_until = 0.0
        self.paused_total = 0.0  # seconds spent paused, for the benchmark's accounting

    @property
    def paused_until(self) -> float:
        return self._paused_until

    async def _ready(self, stop: asyncio.Event | None) -> float | None:
        """The time once no pause holds sends back; None when ``stop`` is set first."""
        while stop is None or not stop.is_set():
            now = self._clock()
            if not await sleep_out_pause(now, self._paused_until):
                return now
        return None

    def _extend_pause(self, seconds: float) -> float | None:
        """Pause for ``seconds`` from now unless a longer pause runs (pauses extend, never
        shrink); the new end, or None when nothing changed."""
        now = self._clock()
        until = now + max(seconds, 0.0)
        if until <= self._paused_until:
            return None
        self.paused_total += until - max(self._paused_until, now)
        self._paused_until = until
        return until


class Pacer(_Paced):
    """Spaces send starts ``1/rate`` apart and stops them all during a flood-control pause.

    Slots are counted from the previous slot rather than from "now", so a late wake-up
    (the event loop was busy: a database batch, garbage collection) is made up by the next
    sends instead of lowering the rate. At most ``catch_up`` seconds of slots are made up,
    so no second ever holds more than ``rate * (1 + catch_up) + 1`` starts: 28 at the
    default 25/s, under Telegram's ~30.
    """

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic, catch_up: float = 0.1
    ) -> None:
        super().__init__(rate, clock, catch_up)
        self._next = 0.0

    def pause(self, seconds: float) -> None:
        """Flood control: no send may start for ``seconds`` (pauses extend, never shrink)."""
        self._extend_pause(seconds)
        self._next = max(self._next, self._paused_until)

    async def acquire(self, stop: asyncio.Event | None = None) -> None:
        """Wait for the next send slot (or until ``stop`` is set: the caller checks)."""
        while True:
            now = await self._ready(stop)
            if now is None:
                return
            # Late by a little (a busy loop): keep the schedule. Idle for longer: start
            # afresh, so a quiet spell never turns into a burst.
            slot = self._next if now - self._next <= self._catch_up else now
            if slot > now:
                await asyncio.sleep(slot - now)
                if self._clock() < self._paused_until:  # paused while we slept
                    continue
            self._next = slot + self.interval
            return


class SlotStore(Protocol):
    """Where the shared send budget lives (``bot.store.leases.Leases``)."""

    async def reserve_slots(
        self, key: str, now: float, count: int, interval: float
    ) -> tuple[float, float]: ...

    async def pause_sending(self, key: str, until: float) -> None: ...


class SharedPacer(_Paced):
    """A ``Pacer`` whose send slots come from the database, so that every worker sending
    with one bot token, in any process, keeps to one rate between them.

    Slots are reserved a block at a time (a fifth of a second's worth): one database
    write per block rather than per message. A reserved slot left unused (no row to
    send, or it passed while we waited) is simply lost: the combined rate can only be
    lower. A flood-control pause is written to the database, and every worker learns of
    it at its next reservation. Times are wall-clock seconds, comparable across processes.
    """

    def __init__(
        self,
        store: SlotStore,
        key: str,
        rate: float,
        clock: Callable[[], float] = time.time,
        catch_up: float = 0.1,
    ) -> None:
        super().__init__(rate, clock, catch_up)
        self._store = store
        self._key = key
        self._block = max(1, int(rate / 5))
        self._slots: deque[float] = deque()
        self._writes: set[asyncio.Task[None]] = set()

    def pause(self, seconds: float) -> None:
        """Flood control: no send, here or in any worker of this key, for ``seconds``."""
        until = self._extend_pause(seconds)
        if until is None:
            return
        task = asyncio.ensure_future(self._store.pause_sending(self._key, until))
        self._writes.add(task)
        task.add_done_callback(self._written)

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("outbox: flood-control pause not shared: %r", task.exception())

    async def acquire(self, stop: asyncio.Event | None = None) -> None:
        """Wait for the next shared send slot (or until ``stop`` is set: the caller checks)."""
        while True:
            now = await self._ready(stop)
            if now is None:
                return
            # Slots that passed unused (idle, or paused meanwhile) are not made up.
            while self._slots and (
                self._slots[0] < now - self._catch_up or self._slots[0] < self._paused_until
            ):
                self._slots.popleft()
            if not self._slots:
                first, paused = await self._store.reserve_slots(
                    self._key, now, self._block, self.interval
                )
                self._paused_until = max(self._paused_until, paused)
                self._slots.extend(first + n * self.interval for n in range(self._block))
                continue
            slot = self._slots[0]
            if slot > now:
                await asyncio.sleep(min(slot - now, 0.5))
                continue
            self._slots.popleft()
            return


class ChatSpacing:
    """At most one message per chat per ``interval`` seconds; memory stays bounded by the
    chats of the last interval, not by the audience size."""

    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[Hashable, float] = {}  # insertion order == time order

    def delay(self, chat: Hashable) -> float:
        """Seconds to wait before ``chat`` may get another message (0 = now)."""
        last = self._last.get(chat)
        if last is None:
            return 0.0
        return max(0.0, last + self.interval - self._clock())

    def mark(self, chat: Hashable) -> None:
        self._last.pop(chat, None)
        self._last[chat] = self._clock()
        self._prune()

    def _prune(self) -> None:
        horizon = self._clock() - self.interval
        while self._last:
            oldest = next(iter(self._last))
            if self._last[oldest] > horizon:
                break
            del self._last[oldest]

    def __len__(self) -> int:
        return len(self._last)


async def sleep_out_pause(now: float, until: float) -> bool:
    """Sleep one step of a pause that lasts ``until``; False when there is none. In
    steps, so a stop request is not held up by a long flood wait."""
    if now >= until:
        return False
    await asyncio.sleep(min(until - now, 0.5))
    return True
