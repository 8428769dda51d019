"""The core process itself: builds the app from the pack its parent sent, then answers
calls until the parent closes the socket."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from typing import TYPE_CHECKING, Any

from bot import service
from bot.config import Settings
from bot.coreproc.wire import READY, code_version, frame, read_frame

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def child_main(sock: socket.socket, settings: Settings, log_level: int) -> None:
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
        code, pack = await read_frame(reader)  # the parent's code version and content
        if code_version() != code:
            raise RuntimeError("the code on disk changed since tourbot started: restart it")
        app = await build_app(settings, pack=pack)
    except Exception as exc:
        log.exception("core process could not start")
        writer.write(frame((READY, False, str(exc))))
        await writer.drain()
        return 1
    service.settle_heap()
    writer.write(frame((READY, True, None)))
    tasks: set[asyncio.Task[None]] = set()
    try:
        while True:
            try:
                call_id, op, args = await read_frame(reader)
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
    assert conversation is not None  # the core process is built to answer
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
        answer = frame((call_id, True, value))
    except Exception as exc:
        log.exception("core: %s failed", op)
        answer = frame((call_id, False, f"{type(exc).__name__}: {exc}"))
    if not writer.is_closing():
        writer.write(answer)
