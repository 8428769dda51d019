"""The parent's side of the core process: a ``Conversation`` whose calls run in a child
that it starts, watches, restarts with back-off, reloads and stops."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import multiprocessing.util  # registers its exit handler before ours (they run in reverse)
import socket
import time
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.content.loader import ContentPack
from bot.core.models import Inbound, Reply
from bot.coreproc.child import child_main
from bot.coreproc.cleanup import children
from bot.coreproc.wire import READY, code_version, frame, read_frame

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

START_TIMEOUT = 120.0  # content indexing on a slow machine; also bounds a reload
CALL_TIMEOUT = 30.0  # a child silent this long with calls pending is killed and replaced
RESTART_PAUSE = 1.0  # between two starts, so a child that keeps dying cannot spin
MAX_BACKOFF = 60.0  # after failed starts, calls fail at once for up to this long


class CoreUnavailable(RuntimeError):
    """The core process is down or did not answer in time. A call that timed out on a
    live child may still take effect later (there is no way to take it back)."""


class CoreFailed(RuntimeError):
    """The core raised an exception (logged in full by the child) while answering."""


class CoreProcess:
    """The parent's side: a ``Conversation`` whose calls run in the child."""

    def __init__(
        self, settings: Settings, pack: ContentPack, *, call_timeout: float = CALL_TIMEOUT
    ) -> None:
        self._settings = settings
        self._pack = pack  # what a new child serves: the last pack the parent accepted
        self._code = code_version()
        self._call_timeout = call_timeout
        self._ids = itertools.count()
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._process: BaseProcess | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._starter: asyncio.Task[None] | None = None
        self._last_start = -RESTART_PAUSE
        self._last_frame = time.monotonic()
        self._backoff = 0.0
        self._failed_until = 0.0
        self._closed = False

    @classmethod
    async def start(
        cls, settings: Settings, pack: ContentPack, *, call_timeout: float = CALL_TIMEOUT
    ) -> CoreProcess:
        """Start the child on ``pack`` and wait until its index is ready."""
        core = cls(settings, pack, call_timeout=call_timeout)
        await core._ensure_started(START_TIMEOUT + RESTART_PAUSE)
        return core

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (for tests and logs)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    @property
    def ready(self) -> bool:
        """A child is running and taking calls."""
        return self._running()

    @property
    def in_flight(self) -> int:
        """Calls sent to the child and not answered yet."""
        return len(self._pending)

    async def handle(self, msg: Inbound) -> list[Reply]:
        replies: list[Reply] = await self._call("handle", msg)
        return replies

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        cards: list[Reply] = await self._call("cards", query, lang, limit)
        return cards

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        await self._call("mark_blocked", channel, user_id)

    async def reload_content(self, pack: ContentPack) -> None:
        """Serve ``pack`` (already validated by the caller): the child rebuilds its index,
        and a child started later starts from it. Raises ``CoreFailed`` if the child could
        not use it (it keeps the pack it had)."""
        try:
            await self._call("reload_content", pack, within=START_TIMEOUT)
        except CoreUnavailable:
            # No child to tell (down, backing off, or lost during the reload): the next
            # one starts from this pack.
            log.warning("core process unavailable: the next one will start on the new content")
        self._pack = pack

    async def close(self) -> None:
        """Stop the child: it finishes the calls it has, closes the database and exits.
        Calls made afterwards fail with ``CoreUnavailable``."""
        self._closed = True
        async with self._starting:  # a start under way finishes first, then is stopped
            await self._stop_child()

    async def _call(self, op: str, *args: object, within: float | None = None) -> Any:
        timeout = within or self._call_timeout
        await self._ensure_started(timeout)
        writer = self._writer
        if writer is None or writer.is_closing():
            raise CoreUnavailable("the core process is not running")
        call_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[call_id] = future
        try:
            writer.write(frame((call_id, op, args)))
            await writer.drain()
            ok, value = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            # Slow is not hung: only a child that answered nothing at all meanwhile is.
            if time.monotonic() - self._last_frame >= timeout:
                self._kill_hung_child(op)
            raise CoreUnavailable(f"the core process did not answer {op} in time") from None
        except (ConnectionError, OSError) as exc:
            raise CoreUnavailable(f"the core process is unreachable: {exc}") from exc
        finally:
            self._pending.pop(call_id, None)
        if not ok:
            raise CoreFailed(f"{op} failed in the core process: {value}")
        return value

    def _kill_hung_child(self, op: str) -> None:
        # A child that is alive but silent (a deadlock, a runaway loop) would make every
        # chat wait this long: kill it; the calls in flight fail, the next call restarts.
        process = self._process
        if process is not None and process.is_alive():
            log.error(
                "core process %s answered nothing while %s waited; killing it", process.pid, op
            )
            process.kill()
        if self._writer is not None:
            self._writer.close()  # the next call starts a new child, not writes to this one

    def _running(self) -> bool:
        return self._writer is not None and not self._writer.is_closing()

    async def _ensure_started(self, within: float) -> None:
        """Wait at most ``within`` for a running child; one start serves every waiter,
        and a waiter that gives up (or is cancelled) does not abort it."""
        if self._running():
            return
        if self._closed:
            raise CoreUnavailable("the core process is closed")
        if self._starter is None or self._starter.done():
            self._starter = asyncio.create_task(self._start())
            self._starter.add_done_callback(_retrieve)
        try:
            await asyncio.wait_for(asyncio.shield(self._starter), within)
        except TimeoutError:
            raise CoreUnavailable("the core process is still starting") from None

    async def _start(self) -> None:
        async with self._starting:
            if self._closed:
                raise CoreUnavailable("the core process is closed")
            if self._running():
                return  # another call started it meanwhile
            if time.monotonic() < self._failed_until:
                raise CoreUnavailable("the core process failed to start; it will be retried")
            await self._stop_child()
            pause = self._last_start + RESTART_PAUSE - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            self._last_start = time.monotonic()
            try:
                await self._spawn()
            except CoreUnavailable:
                # Every waiting message would otherwise try a full start in turn.
                self._backoff = min(max(2 * self._backoff, RESTART_PAUSE), MAX_BACKOFF)
                self._failed_until = time.monotonic() + self._backoff
                raise
            self._backoff = 0.0

    async def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        context = multiprocessing.get_context("spawn")  # no fork of a running event loop
        process = context.Process(
            target=child_main,
            args=(theirs, self._settings, _log_level()),
            name="tourbot-core",
            daemon=True,  # never outlives the bot
        )
        try:
            process.start()
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._process = process  # joined by the next _stop_child, whatever happens below
        children.add(process)
        reader, writer = await asyncio.open_connection(sock=ours)

        async def handshake() -> tuple[int, bool, Any]:
            # The pack goes over the socket, not in the spawn arguments: multiprocessing
            # writes those with a blocking write into a 64 KiB pipe, which froze the loop
            # for ~0.5 s per start, and for good if the child died while importing.
            writer.write(frame((self._code, self._pack)))
            await writer.drain()
            answer: tuple[int, bool, Any] = await read_frame(reader)
            return answer

        try:
            try:
                call_id, ok, value = await asyncio.wait_for(handshake(), START_TIMEOUT)
            except (TimeoutError, asyncio.IncompleteReadError, OSError) as exc:
                raise CoreUnavailable(f"the core process did not start: {exc!r}") from exc
            if call_id != READY or not ok:
                raise CoreUnavailable(f"the core process did not start: {value}")
        except BaseException:  # also a cancelled caller: never leave a child half started
            writer.close()
            if process.is_alive():
                process.kill()
            await asyncio.shield(asyncio.to_thread(process.join, 5))
            raise
        self._writer = writer
        self._last_frame = time.monotonic()
        self._reader_task = asyncio.create_task(self._read_answers(reader, writer))
        log.info("core process %s ready", process.pid)

    async def _read_answers(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                call_id, ok, value = await read_frame(reader)
                self._last_frame = time.monotonic()
                future = self._pending.get(call_id)
                if future is not None and not future.done():
                    future.set_result((ok, value))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            if not self._closed:
                log.error("core process exited; the next message starts a new one")
        except Exception:
            log.exception("core process sent an unreadable answer; starting a new one")
        finally:
            writer.close()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(CoreUnavailable("the core process exited"))

    async def _stop_child(self) -> None:
        writer, process, reader_task = self._writer, self._process, self._reader_task
        self._writer = self._process = self._reader_task = None
        if writer is not None and not writer.is_closing():
            # Half-close: the child sees the end of its input, answers the calls it has,
            # closes the database and exits, which ends the reader task.
            with contextlib.suppress(ConnectionError, OSError):
                writer.write_eof()
        if reader_task is not None:
            _done, pending = await asyncio.wait({reader_task}, timeout=CALL_TIMEOUT)
            for task in pending:
                task.cancel()
        if writer is not None:
            writer.close()
        if process is not None:
            await asyncio.to_thread(process.join, 10)
            if process.is_alive():
                log.warning("core process %s did not stop; killing it", process.pid)
                process.kill()
                await asyncio.to_thread(process.join, 5)


def _log_level() -> int:
    return logging.getLogger().getEffectiveLevel()


def _retrieve(task: asyncio.Task[None]) -> None:
    # A start nobody waits for any more (every waiter timed out) must not log
    # "exception never retrieved"; its failure was logged and is in the backoff.
    if not task.cancelled():
        task.exception()
