"""The outbox worker: claims due delivery rows, sends them at a paced rate, records outcomes.

Crash safety comes from the database, not from this process: a row is leased ('sending',
owner = this worker, attempts + 1) before it is sent and finished after, in small
batched transactions. A worker killed mid-run leaves its rows leased to an owner whose
heartbeat stops; another worker claims them again after ``lease_timeout``. Only rows
that were on the wire or sent but not yet recorded can go out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
import socket
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.broadcast.compose import render
from bot.broadcast.config import BroadcastSettings
from bot.broadcast.pacing import ChatSpacing, Pacer, SharedPacer
from bot.broadcast.reminders import Reminders
from bot.core.outbound import Outcome, Recipient, Sender
from bot.store.leases import Claimed, Leases, Result
from bot.store.outbox import Announcement, Outbox

log = logging.getLogger(__name__)

FLUSH_BATCH = 200
MAX_BACKOFF = 300.0


@dataclass(slots=True)
class WorkerStats:
    """Counters since start (read by the benchmark and the logs)."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    flood_waits: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # temporary errors by reason


class OutboxWorker:
    """Sends every due announcement and reminder through the channel's ``Sender``."""

    def __init__(
        self,
        outbox: Outbox,
        leases: Leases,
        senders: Mapping[str, Sender],
        config: BroadcastSettings,
        default_lang: str,
        *,
        reminders: Reminders | None = None,
        clock: Callable[[], float] = time.time,
        worker_id: str | None = None,
        pace_key: str | None = None,
    ) -> None:
        self.id = worker_id or uuid.uuid4().hex
        self._outbox = outbox
        self._leases = leases
        self._senders = senders  # shared with the caller: channels may join later
        self._config = config
        self._default_lang = default_lang
        self._reminders = reminders
        self._clock = clock  # wall clock: schedules and leases are shared between processes
        # With a key, the rate is shared by every worker sending with the same bot token,
        # in any process (the budget is in the database); without one, it is this worker's.
        self.pacer: Pacer | SharedPacer = (
            Pacer(config.rate)
            if pace_key is None
            else SharedPacer(leases, pace_key, config.rate, clock)
        )
        self.spacing = ChatSpacing(config.chat_interval)
        self.stats = WorkerStats()
        self._batch = max(10, min(500, int(config.rate / 2) + 1))
        self._queue: deque[Claimed] = deque()
        self._deferred: list[tuple[float, int, Claimed]] = []  # (monotonic due, id, row)
        self._held: set[int] = set()  # leased to us and not yet recorded
        self._results: list[Result] = []
        self._announcements: dict[int, Announcement] = {}
        self._texts: dict[tuple[int, str], str] = {}
        self._cancelled: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._claiming: asyncio.Task[list[Claimed]] | None = None
        self._slots = asyncio.Semaphore(config.concurrency)
        self._next_reminders = 0.0
        self._flush_lock = asyncio.Lock()

    # -- lifecycle -------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set; then finish what is on the wire and hand the rest back."""
        await self._leases.register_worker(
            self.id, os.getpid(), socket.gethostname(), self._clock()
        )
        log.info("outbox worker %s started (%.1f msg/s)", self.id[:8], self._config.rate)
        background = asyncio.create_task(self._housekeeping(stop))
        try:
            next_tick = 0.0
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                if loop.time() >= next_tick:
                    await self._tick()
                    next_tick = loop.time() + self._config.poll_interval
                try:
                    progressed = await self._step(stop)
                except Exception:  # e.g. the database stayed locked: try again shortly
                    log.exception("outbox worker: send step failed; retrying")
                    progressed = False
                if not progressed:
                    await _wait(stop, self._idle_for(next_tick - loop.time()))
        finally:
            try:
                await self._shutdown()
            finally:
                if not stop.is_set():  # we are failing, not stopping
                    background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
                # Without our row, any lease we still hold is free for the next worker.
                await self._leases.unregister_worker(self.id)
            log.info("outbox worker %s stopped: %s", self.id[:8], self.stats)

    async def _shutdown(self) -> None:
        if self._claiming is not None:  # its rows are ours: they are handed back below
            with contextlib.suppress(Exception):
                await self._claiming
        if self._tasks:  # messages on the wire: let them finish (each has its own time-out)
            await asyncio.wait(set(self._tasks), timeout=self._config.send_timeout + 1)
        unsent = self._waiting()
        self._queue.clear()
        self._deferred.clear()
        self._results += [Result(row.id, "release") for row in unsent]
        await self.flush()

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        """Outcomes to the database every ``flush_interval``; a heartbeat every poll."""
        last_beat = 0.0
        while not stop.is_set():
            await _wait(stop, self._config.flush_interval)
            try:
                await self.flush()
                now = self._clock()
                if now - last_beat >= self._config.poll_interval:
                    await self._leases.heartbeat(self.id, now)
                    last_beat = now
            except Exception:
                log.exception("outbox worker: housekeeping failed; retrying")

    async def flush(self) -> None:
        """Record the outcomes gathered so far in one transaction."""
        async with self._flush_lock:
            if not self._results:
                return
            batch, self._results = self._results, []
            try:
                await self._leases.record(batch, self.id, self._clock())
            except Exception:
                self._results = batch + self._results  # keep them: the lease is still ours
                raise
            self._held.difference_update(r.id for r in batch)

    # -- the periodic checks ---------------------------------------------------------

    async def _tick(self) -> None:
        now = self._clock()
        try:
            for ident in await self._outbox.start_due(now):
                log.info("announcement %s started", ident)
            if self._reminders is not None and now >= self._next_reminders:
                self._next_reminders = now + self._config.reminder_check_interval
                await self._reminders.plan(now)
            for ident in await self._leases.finish(now, now - self._config.lease_timeout):
                log.info("announcement %s finished", ident)
            # Killed workers never unregister; their leases are free already, their rows go.
            expired = await self._leases.expire_workers(now - 4 * self._config.lease_timeout)
            if expired:
                log.info("outbox: %d dead workers' rows removed", expired)
            tracked = set(self._announcements) | {row.announcement_id for row in self._waiting()}
            if tracked:
                statuses = await self._leases.statuses(tracked)
                for ident, status in statuses.items():
                    if status == "cancelled":
                        self._cancelled.add(ident)
                    if status != "sending" and not self._has_rows_of(ident):
                        self._forget(ident)
        except Exception:
            log.exception("outbox worker: periodic check failed; retrying")

    def _waiting(self) -> list[Claimed]:
        """Rows leased to us and not sent yet."""
        return [*self._queue, *(row for _due, _id, row in self._deferred)]

    def _has_rows_of(self, ident: int) -> bool:
        return any(row.announcement_id == ident for row in self._waiting())

    def _forget(self, ident: int) -> None:
        self._announcements.pop(ident, None)
        self._cancelled.discard(ident)  # no more rows of it will be claimed
        for key in [k for k in self._texts if k[0] == ident]:
            del self._texts[key]

    def _idle_for(self, until_tick: float) -> float:
        wait = max(0.01, until_tick)
        if self._deferred:
            wait = min(wait, max(0.0, self._deferred[0][0] - time.monotonic()))
        return max(wait, 0.005)

    # -- sending ---------------------------------------------------------------------

    async def _step(self, stop: asyncio.Event) -> bool:
        """Send (or settle) one row; False when nothing can go right now."""
        row = self._next_row()
        if row is None:
            claiming = self._claiming or self._start_claim()
            if not await claiming:
                return False
            row = self._next_row()
            if row is None:
                return False
        elif self._claiming is None and len(self._queue) < self._batch // 2:
            # Claim the next batch while this one is still going out: no gap in the pace.
            self._start_claim()
        skip = row.skip or ("cancelled" if row.announcement_id in self._cancelled else None)
        sender = self._senders.get(row.channel)
        if skip is None and sender is None:
            skip = f"no sender for {row.channel}"
        if skip is not None or sender is None:
            self._finish(row, Outcome.skipped(skip or ""))
            return True
        chat = (row.channel, row.user_id)
        delay = self.spacing.delay(chat)
        if delay > 0:
            heapq.heappush(self._deferred, (time.monotonic() + delay, row.id, row))
            return True
        lang = row.lang or self._default_lang
        text = await self._text(row.announcement_id, lang)
        await self._slots.acquire()
        try:
            await self.pacer.acquire(stop)
        except BaseException:
            self._slots.release()
            raise
        if stop.is_set():
            self._slots.release()
            self._queue.appendleft(row)
            return False
        self.spacing.mark(chat)
        task = asyncio.create_task(
            self._send(sender, row, Recipient(row.channel, row.user_id, lang), text)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _next_row(self) -> Claimed | None:
        if self._deferred and self._deferred[0][0] <= time.monotonic():
            return heapq.heappop(self._deferred)[2]
        if self._queue:
            return self._queue.popleft()
        return None

    def _start_claim(self) -> asyncio.Task[list[Claimed]]:
        task = asyncio.create_task(self._claim())
        self._claiming = task

        def done(_task: asyncio.Task[list[Claimed]]) -> None:
            self._claiming = None

        task.add_done_callback(done)
        return task

    async def _claim(self) -> list[Claimed]:
        now = self._clock()
        try:
            claimed = await self._leases.claim(
                self.id, now, now - self._config.lease_timeout, self._batch, list(self._senders)
            )
        except Exception:  # e.g. the database stayed locked: the next step tries again
            log.exception("outbox worker: claiming rows failed")
            return []
        # A row we still hold can come back only if our own lease looked stale (a stalled
        # event loop); sending it again would be a duplicate of our own making.
        fresh = [row for row in claimed if row.id not in self._held]
        self._held.update(row.id for row in fresh)
        self._queue.extend(fresh)
        return fresh

    async def _text(self, ident: int, lang: str) -> str:
        key = (ident, lang)
        text = self._texts.get(key)
        if text is None:
            announcement = self._announcements.get(ident)
            if announcement is None:
                found = await self._outbox.get(ident)
                assert found is not None  # delivery rows cascade with their announcement
                announcement = self._announcements[ident] = found
            text = render(announcement.kind, announcement.text_vi, announcement.text_en, lang)
            self._texts[key] = text
        return text

    async def _send(self, sender: Sender, row: Claimed, user: Recipient, text: str) -> None:
        try:
            outcome = await sender.send(user, text)
        except Exception as exc:  # a sender bug must not stop every other announcement
            log.exception("outbox: %s sender raised", row.channel)
            outcome = Outcome.temporary(f"sender error: {type(exc).__name__}")
        finally:
            self._slots.release()
        self._finish(row, outcome)

    def _finish(self, row: Claimed, outcome: Outcome) -> None:
        kind = outcome.kind
        if kind == "retry_after":
            # Flood control: everything pauses; this row goes first when it is over.
            self.stats.flood_waits += 1
            self.pacer.pause(outcome.seconds)
            self._queue.appendleft(row)
            log.info("outbox: flood control, pausing %.1f s", outcome.seconds)
            return
        if kind == "temporary":
            self.stats.errors[outcome.reason] += 1
            if row.attempts < self._config.max_attempts:
                self.stats.retried += 1
                backoff = min(MAX_BACKOFF, self._config.backoff * 2 ** (row.attempts - 1))
                self._results.append(
                    Result(row.id, "retry", outcome.reason, next_at=self._clock() + backoff)
                )
                return
            kind = "failed"
        if kind == "sent":
            self.stats.sent += 1
            self._results.append(Result(row.id, "sent"))
        elif kind == "skipped":
            self.stats.skipped += 1
            self._results.append(Result(row.id, "skipped", outcome.reason))
        elif kind == "blocked":
            self.stats.failed += 1
            self._results.append(
                Result(row.id, "failed", "blocked", blocked=(row.channel, row.user_id))
            )
        else:
            self.stats.failed += 1
            self._results.append(Result(row.id, "failed", outcome.reason or "failed"))
        if len(self._results) >= FLUSH_BATCH:
            self._spawn_flush()

    def _spawn_flush(self) -> None:
        task = asyncio.create_task(self._flush_quietly())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_quietly(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("outbox worker: flush failed; retrying with the next one")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), max(seconds, 0.0))
