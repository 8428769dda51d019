"""Shared helpers for the broadcast and staff tests: catalogs, clocks, a wired bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App, build_app, build_dispatcher, staff_feature
from bot.broadcast.config import BroadcastSettings
from bot.broadcast.runtime import Broadcasting
from bot.broadcast.worker import OutboxWorker
from bot.channels.telegram_outbox import TelegramSender
from bot.config import PROJECT_DIR
from bot.content.loader import ContentPack, require_content
from bot.core.dispatcher import Dispatcher
from bot.core.feature import Feature
from bot.store.db import connect
from bot.store.users import Users
from tests.conftest import TODAY, make_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegram

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAFF_ID = 9001

# Fast knobs: the tests send a few dozen messages, and wait for time-outs and flood waits.
FAST = {
    "rate": 200.0,
    "chat_interval": 0.2,
    "concurrency": 16,
    "max_attempts": 3,
    "backoff": 0.05,
    "send_timeout": 0.5,
    "poll_interval": 0.05,
    "lease_timeout": 1.0,
    "flush_interval": 0.05,
}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    """A local (Asia/Ho_Chi_Minh) time as Unix seconds."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ).timestamp()


class Clock:
    """A wall clock that runs at real speed from a chosen start and can jump forward."""

    def __init__(self, start: float | None = None) -> None:
        self._offset = (start if start is not None else time.time()) - time.monotonic()

    def __call__(self) -> float:
        return time.monotonic() + self._offset

    def jump(self, seconds: float) -> None:
        self._offset += seconds


@functools.cache
def content() -> ContentPack:
    """The bundled content, loaded once per test run."""
    return require_content(PROJECT_DIR / "content")


@dataclass
class Wired:
    """A temp database with the broadcast pieces; with ``app`` (``full=True``) also the
    real app and a staff-aware dispatcher."""

    users: Users
    bc: Broadcasting
    fake: FakeTelegram | None
    clock: Clock
    app: App | None = None
    dispatcher: Dispatcher | None = None
    staff: Feature | None = None

    def worker(self, **overrides: Any) -> OutboxWorker:
        config = BroadcastSettings(_env_file=None, **{**FAST, **overrides})  # type: ignore[call-arg]
        self.bc.config = config
        return self.bc.worker()

    async def add_users(
        self, ids: range | list[int], topic: str = "all", lang: str | None = "vi"
    ) -> None:
        for ident in ids:
            await self.users.touch("telegram", str(ident), lang)
            await self.users.subscribe("telegram", str(ident), topic)

    async def drained(self, ident: int) -> bool:
        """No row of announcement ``ident`` is waiting or in flight any more."""
        return await self.bc.leases.open_count(ident) == 0

    def delivered(self, chat_id: int | None = None) -> list[Any]:
        """sendMessage calls the fake answered with 200 (messages that reached the user)."""
        assert self.fake is not None
        return [
            c
            for c in self.fake.calls_of("sendMessage")
            if c.status == 200 and (chat_id is None or c.chat_id == chat_id)
        ]


@contextlib.asynccontextmanager
async def wired(
    tmp_path: Path,
    fake: FakeTelegram | None,
    clock: Clock | None = None,
    *,
    full: bool = False,
    **settings: Any,
) -> AsyncIterator[Wired]:
    """Without ``fake`` there is no Telegram token, hence no Telegram sender. ``full``
    builds the real app (content index, engine, dispatcher): slower, for conversations."""
    clock = clock or Clock()
    values: dict[str, Any] = {"TOURBOT_STAFF_IDS": str(STAFF_ID), **settings}
    if fake is not None:
        values["TELEGRAM_BOT_TOKEN"] = TOKEN
        values["TOURBOT_TELEGRAM_BASE_URL"] = fake.base_url
    config = BroadcastSettings(_env_file=None, **FAST)  # type: ignore[call-arg]
    async with contextlib.AsyncExitStack() as stack:
        if full:
            app = await build_app(make_settings(tmp_path, **values), lambda: TODAY)
            stack.push_async_callback(app.close)
            settings_, users, pack = app.settings, app.users, lambda: app.engine.pack
        else:
            app = None
            settings_ = make_settings(tmp_path, **values)
            conn = await connect(settings_.db)
            stack.push_async_callback(conn.close)
            users, pack = Users(conn), content
        bc = await Broadcasting.open(settings_, pack, config, clock)
        stack.push_async_callback(bc.close)
        if fake is not None:
            telegram = TelegramSender(settings_, timeout=config.send_timeout)
            bc.add_sender(telegram, close=telegram.close)
        dispatcher = staff = None
        if app is not None:
            staff = staff_feature(bc, app.settings)
            dispatcher = build_dispatcher(
                app.engine,
                app.users,
                app.questions,
                lambda: TODAY,
                app.settings.default_lang,
                staff,
            )
        yield Wired(users, bc, fake, clock, app, dispatcher, staff)


@contextlib.asynccontextmanager
async def running(worker: OutboxWorker) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def until(predicate: Callable[[], Any], within: float = 10.0, every: float = 0.02) -> None:
    """Wait until ``predicate()`` (sync or async) is true."""
    deadline = time.monotonic() + within
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(every)


async def statuses(w: Wired, ident: int) -> Counter[str]:
    rows = await w.bc.db.all("SELECT status FROM deliveries WHERE announcement_id = ?", (ident,))
    return Counter(row[0] for row in rows)
