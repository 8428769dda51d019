"""Fixtures for channel tests: catalogs, a scripted Conversation, the fake Bot API and a
real PTB application polling it over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# httpx honours HTTP(S)_PROXY; the fake lives on loopback.
os.environ["NO_PROXY"] = ",".join(
    part for part in ("127.0.0.1", "localhost", os.environ.get("NO_PROXY", "")) if part
)
os.environ["no_proxy"] = os.environ["NO_PROXY"]

from bot import i18n
from bot.channels.telegram import (
    TelegramApp,
    TelegramTuning,
    build_application,
    run_polling,
)
from bot.channels.telegram_send import RetryPolicy
from bot.config import Settings
from bot.core.models import Button, Inbound, ItemRef, Reply, Venue
from bot.store.db import Db, connect
from tests.conftest import make_settings as core_settings
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram

LONG_TEXT = "\n\n".join(
    f"Paragraph {n}: " + " ".join(f"word{n}-{i} <&>" for i in range(60)) for n in range(8)
)


@pytest.fixture
def catalogs() -> Iterator[None]:
    """Load the catalogs for one test; Telegram test modules use it through ``pytestmark``."""
    i18n.load_catalogs()
    yield


class ScriptedConversation:
    """A small real implementation of the ``Conversation`` protocol with fixed answers.

    "/start [payload]" greets with buttons; "long" answers 5,000+ characters; "slow"
    takes 0.3 s; "boom" raises; "silent" answers nothing; a location gets a venue;
    payloads "ev:*" are answered, "noop" gets nothing, "boom" raises, anything else is
    refused politely.
    """

    def __init__(self) -> None:
        self.inbound: list[Inbound] = []
        self.done: list[Inbound] = []
        self.blocked: list[tuple[str, str]] = []
        self.card_queries: list[tuple[str, str | None, int]] = []
        self.active = 0
        self.max_active = 0

    async def handle(self, msg: Inbound) -> list[Reply]:
        self.inbound.append(msg)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return await self._answer(msg)
        finally:
            self.active -= 1
            self.done.append(msg)

    async def _answer(self, msg: Inbound) -> list[Reply]:
        lang = msg.language_hint or "vi"
        text = msg.text or ""
        if msg.location is not None:
            venue = Venue(msg.location.lat, msg.location.lon, "Chùa Bổ Đà", "Tiên Sơn, Bắc Ninh")
            return [Reply(text="Gần bạn: Chùa Bổ Đà", lang=lang, venue=venue)]
        if msg.payload is not None:
            if msg.payload == "boom":
                raise RuntimeError("scripted failure")
            if msg.payload == "noop":
                return []
            if msg.payload.startswith("ev:"):
                return [Reply(text=f"Event {msg.payload}", lang=lang)]
            return [Reply(text="That button has expired.", lang=lang, answered=False)]
        if text.startswith("/start"):
            greeting = "Xin chào" if lang == "vi" else "Hello"
            payload = text.partition(" ")[2]
            return [
                Reply(
                    title="Tour <Bot> & co",
                    text=f"{greeting}! {payload}".strip(),
                    lang=lang,
                    buttons=(
                        (Button("Events", payload="ev:list"), Button("Web", url="https://x.vn")),
                        (Button("Share", share="hội Lim"),),
                        (Button("Too long", payload="p" * 65), Button("Accents", payload="lễ")),
                    ),
                )
            ]
        if text == "long":
            return [Reply(text=LONG_TEXT, lang=lang, buttons=((Button("More", payload="ev:2"),),))]
        if text == "slow":
            await asyncio.sleep(0.3)
        if text == "boom":
            raise RuntimeError("scripted failure")
        if text == "silent":
            return []
        return [Reply(text=f"echo: {text}", lang=lang)]

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        self.card_queries.append((query, lang, limit))
        return [
            Reply(
                title=f"Hội Lim <{n}>",
                text=f"Card {n} for {query} & friends\nSecond line",
                lang=lang or "vi",
                items=(ItemRef(id=f"hoi-lim-{n}", kind="event", title="Hội Lim"),),
                buttons=((Button("Details", payload="ev:1"), Button("Map", url="https://x.vn")),),
            )
            for n in range(3)
        ]

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        self.blocked.append((channel, user_id))


def to(chat_id: int, contains: str = "") -> Callable[[Call], bool]:
    """A ``wait_for`` predicate: a call for ``chat_id`` whose text contains ``contains``."""
    return lambda call: call.chat_id == chat_id and contains in call.text


FAST = TelegramTuning(retry=RetryPolicy(attempts=3, backoff=0.05, max_flood_wait=5.0))


def make_settings(fake: FakeTelegram, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TOURBOT_TELEGRAM_BASE_URL": fake.base_url,
        "TOURBOT_DEFAULT_LANG": "vi",
        **extra,
    }
    return Settings(_env_file=None, **values)


@dataclass
class Running:
    app: TelegramApp
    fake: FakeTelegram
    conversation: ScriptedConversation


@contextlib.asynccontextmanager
async def polling(app: TelegramApp) -> AsyncIterator[None]:
    """Run ``run_polling`` in a task; stop it through its event and wait for a clean exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(app, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[Db]:
    """A real SQLite file for the Zalo repositories."""
    connection = await connect(tmp_path / "zalo.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on the bundled content and a temp database (no platform tokens)."""
    return core_settings(tmp_path)


def squash(text: str) -> str:
    """Text with every run of white space made one space (channels wrap differently)."""
    return " ".join(text.split())


@pytest.fixture
def conversation() -> ScriptedConversation:
    return ScriptedConversation()


@pytest.fixture
async def running(fake: FakeTelegram, conversation: ScriptedConversation) -> AsyncIterator[Running]:
    app = build_application(make_settings(fake), conversation, FAST)
    async with polling(app):
        await fake.wait_for("getUpdates")
        yield Running(app, fake, conversation)
