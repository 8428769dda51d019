"""The conversation core in a process of its own, behind the ``Conversation`` port.

A Python process computes on one CPU core at a time. Under load, python-telegram-bot
and aiohttp take about half of the CPU an update costs and the core (search, calendar,
replies) the other half (bench/telegram_e2e.py); with the core in a child process the
two halves run on two cores, and replies wait less in the event loop's queue.

``CoreProcess`` has the three methods of the dispatcher that channels call, so a
channel cannot tell it apart. The child builds the same app as ``tourbot run`` does
(its own database connections and search index) from the content pack the parent has
accepted, never from the disk on its own: a child restarted after a refused reload
serves the last good content. It answers many calls at once, as the dispatcher does
in-process; a chat's messages stay in order because the channel waits for each answer
before it sends the next message of that chat.

Frames on a socket pair: a 4-byte length, then a pickle. Pickle is safe here: both
ends are this program (the child refuses to start if the code on disk changed since
the parent started), and a socket pair has no name that another process could open.
If the child dies or stops answering, the calls in flight fail with
``CoreUnavailable`` (the channel apologises) and the next call starts a new child.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copyreg
import dataclasses
import hashlib
import io
import itertools
import logging
import multiprocessing
import multiprocessing.util  # registers its exit handler before ours (they run in reverse)
import operator
import pickle
import signal
import socket
import struct
import time
import weakref
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import service
from bot.config import Settings
from bot.content.loader import ContentPack
from bot.core.models import Button, Inbound, ItemRef, Location, Reply, Venue

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

HEADER = struct.Struct("!I")
START_TIMEOUT = 120.0  # content indexing on a slow machine; also bounds a reload
CALL_TIMEOUT = 30.0  # a child silent this long with calls pending is killed and replaced
RESTART_PAUSE = 1.0  # between two starts, so a child that keeps dying cannot spin
MAX_BACKOFF = 60.0  # after failed starts, calls fail at once for up to this long
READY = -1  # the id of the child's first frame


class CoreUnavailable(RuntimeError):
    """The core process is down or did not answer in time. A call that timed out on a
    live child may still take effect later (there is no way to take it back)."""


class CoreFailed(RuntimeError):
    """The core raised an exception (logged in full by the child) while answering."""


def code_version() -> str:
    """Names, sizes and modification times of the bot's modules and migrations.

    A child is a fresh interpreter that imports ``bot`` from the disk: after a deploy
    under a running bot it would run new code (new frames, new migrations) beside the
    old parent. Parent and child compare this and the child refuses to start."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.sql")]):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _by_position(model: type[Any]) -> Callable[[Any], tuple[type[Any], tuple[Any, ...]]]:
    """Pickle a model as its constructor's arguments. The default for slotted
    dataclasses calls ``dataclasses.fields()`` for every object, both ways: this halves
    the cost of a frame (~140 → ~75 µs for a reply list)."""
    names = [f.name for f in dataclasses.fields(model)]
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        (name,) = names
        return lambda obj: (model, (getattr(obj, name),))
    values = operator.attrgetter(*names)
    return lambda obj: (model, values(obj))


_REDUCERS: dict[type[Any], Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    **{m: _by_position(m) for m in (Inbound, Location, Reply, Button, ItemRef, Venue)},
}


def _frame(obj: object) -> bytes:
    buffer = io.BytesIO()
    buffer.write(bytes(HEADER.size))  # the length, filled in below
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(obj)
    frame = buffer.getbuffer()
    HEADER.pack_into(frame, 0, len(frame) - HEADER.size)
    return bytes(frame)


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(size))


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
            writer.write(_frame((call_id, op, args)))
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
            target=_child_main,
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
        _children.add(process)
        reader, writer = await asyncio.open_connection(sock=ours)

        async def handshake() -> tuple[int, bool, Any]:
            # The pack goes over the socket, not in the spawn arguments: multiprocessing
            # writes those with a blocking write into a 64 KiB pipe, which froze the loop
            # for ~0.5 s per start, and for good if the child died while importing.
            writer.write(_frame((self._code, self._pack)))
            await writer.drain()
            answer: tuple[int, bool, Any] = await _read_frame(reader)
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
                call_id, ok, value = await _read_frame(reader)
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


_children: weakref.WeakSet[BaseProcess] = weakref.WeakSet()


@atexit.register
def _kill_children() -> None:
    """A program that exits without ``close()``: the child ignores SIGTERM (see
    ``_child_main``), so multiprocessing's own clean-up, which runs after this one
    (registered earlier), would wait for it; its answers have nowhere to go anyway."""
    for process in list(_children):
        if process.is_alive():
            process.kill()
            process.join(5)


# -- the child ---------------------------------------------------------------------------
def _child_main(sock: socket.socket, settings: Settings, log_level: int) -> None:
    # The parent alone decides when the child stops: it closes the socket (or dies, which
    # closes it too). Ctrl-C, a hang-up and a supervisor's SIGTERM reach the whole
    # process group; obeyed here, they would fail the calls the parent is draining.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    logging.basicConfig(
        level=log_level, format="%(asctime)s %(levelname)s core: %(name)s: %(message)s"
    )
    service.run(_serve(sock, settings))


async def _serve(sock: socket.socket, settings: Settings) -> int:
    from bot.app import build_app

    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        code, pack = await _read_frame(reader)  # the parent's code version and content
        if code_version() != code:
            raise RuntimeError("the code on disk changed since tourbot started: restart it")
        app = await build_app(settings, pack=pack)
    except Exception as exc:
        log.exception("core process could not start")
        writer.write(_frame((READY, False, str(exc))))
        await writer.drain()
        return 1
    service.settle_heap()
    writer.write(_frame((READY, True, None)))
    tasks: set[asyncio.Task[None]] = set()
    try:
        while True:
            try:
                call_id, op, args = await _read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                break  # the parent closed the socket (or died): finish and exit
            task = asyncio.create_task(_answer(app, writer, call_id, op, args))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
    finally:
        await app.close()
    return 0


async def _answer(
    app: App, writer: asyncio.StreamWriter, call_id: int, op: str, args: tuple[Any, ...]
) -> None:
    conversation = app.conversation
    try:
        value: object = None
        if op == "handle":
            value = await conversation.handle(*args)
        elif op == "cards":
            value = await conversation.cards(*args)
        elif op == "mark_blocked":
            await conversation.mark_blocked(*args)
        elif op == "reload_content":
            await app.reload_content(*args)
        else:
            raise ValueError(f"unknown call {op!r}")
        frame = _frame((call_id, True, value))
    except Exception as exc:
        log.exception("core: %s failed", op)
        frame = _frame((call_id, False, f"{type(exc).__name__}: {exc}"))
    if not writer.is_closing():
        writer.write(frame)
