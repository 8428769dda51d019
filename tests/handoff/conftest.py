"""A running bot with a staff chat: the real app, the Telegram channel polling the fake
Bot API, and the handoff relay with the real Telegram desk and sender."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.channels.telegram import build_application
from bot.channels.telegram_desk import TelegramDesk
from bot.channels.telegram_outbox import TelegramSender
from bot.core.outbound import Sender
from bot.handoff.relay import Relay, RelayTuning
from bot.store.handoffs import Handoffs
from tests import conftest
from tests.channels.conftest import FAST, catalogs, polling  # noqa: F401 - fixture
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram

STAFF_CHAT = -1001234
STAFF = 42  # in TOURBOT_STAFF_IDS
MEMBER = 43  # in the staff chat, but not staff
TAKE, CLOSE = "hc", "hx"


def text(call: Call) -> str:
    return html.unescape(call.text)


def in_chat(chat_id: int, contains: str = "", thread: int | None = None) -> Any:
    def match(call: Call) -> bool:
        if call.chat_id != chat_id or contains not in text(call):
            return False
        return thread is None or call.params.get("message_thread_id") == thread

    return match


def callback_datas(call: Call) -> list[str]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@dataclass
class Desk:
    app: App
    fake: FakeTelegram
    relay: Relay
    handoffs: Handoffs

    async def card(self, count: int = 1) -> list[Call]:
        """The request cards posted to the staff chat so far (waits for ``count``)."""
        return await self.fake.wait_for(
            "sendMessage",
            lambda c: c.chat_id == STAFF_CHAT and bool(callback_datas(c)),
            count=count,
        )


async def ask_for_person(
    desk: Desk, visitor: int, words: str = "cho tôi gặp nhân viên", lang: str = "vi"
) -> tuple[int, Call]:
    """The visitor asks for a person and is told what happens next (the reply offers
    "Back to the bot"); returns the topic's thread id and the request card."""
    desk.fake.push_message(visitor, words, language_code=lang)
    await desk.fake.wait_for(
        "sendMessage", lambda c: c.chat_id == visitor and callback_datas(c) == ["hb"]
    )
    (card,) = await desk.card()
    return int(card.params["message_thread_id"]), card


def settings_for(tmp_path: Path, fake: FakeTelegram, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TOURBOT_TELEGRAM_BASE_URL": fake.base_url,
        "TOURBOT_DEFAULT_LANG": "vi",
        "TOURBOT_STAFF_CHAT_ID": STAFF_CHAT,
        "TOURBOT_STAFF_IDS": str(STAFF),
        "TOURBOT_STAFF_HOURS": "00:00-23:59",
        "TOURBOT_STAFF_DAYS": "mon-sun",
        **extra,
    }
    return conftest.make_settings(tmp_path, **values)


@contextlib.asynccontextmanager
async def running_desk(
    tmp_path: Path, fake: FakeTelegram, senders: dict[str, Sender] | None = None, **extra: Any
) -> AsyncIterator[Desk]:
    settings = settings_for(tmp_path, fake, **extra)
    app = await build_app(settings, lambda: conftest.TODAY)
    desk, telegram = TelegramDesk(settings), TelegramSender(settings)
    handoffs = Handoffs(app.db)
    quiet = settings.handoff_quiet_minutes * 60
    relay = Relay(
        handoffs,
        desk,
        {"telegram": telegram, **(senders or {})},
        "vi",
        quiet,
        RelayTuning(poll_interval=0.05, backoff=0.1),
    )
    assert app.conversation is not None
    application = build_application(settings, app.conversation, FAST)
    stop = asyncio.Event()
    try:
        async with polling(application):
            await fake.wait_for("getUpdates")
            task = asyncio.create_task(relay.run(stop))
            try:
                yield Desk(app, fake, relay, handoffs)
            finally:
                stop.set()
                await asyncio.wait_for(task, 5)
    finally:
        await desk.close()
        await telegram.close()
        await app.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def desk(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path, fake) as running:
        yield running
