"""Webhook mode: our aiohttp server behind a secret, with real HTTP POSTs."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bot.channels.telegram import TelegramConfigError, serve
from tests.channels.conftest import FAST, ScriptedConversation, make_settings
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")

SECRET = "s3cret-Token_for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_accepts_only_the_secret(
    fake: FakeTelegram, conversation: ScriptedConversation
) -> None:
    port = free_port()
    settings = make_settings(
        fake,
        TOURBOT_TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg/hook-7f3a",
        TOURBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
        TOURBOT_WEBHOOK_LISTEN="127.0.0.1",
        TOURBOT_WEBHOOK_PORT=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, conversation, True, stop, FAST))
    try:
        (hook,) = await fake.wait_for("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/tg/hook-7f3a"
        assert hook.params["secret_token"] == SECRET
        assert set(hook.params["allowed_updates"]) == {"message", "callback_query", "inline_query"}
        url = f"http://127.0.0.1:{port}/tg/hook-7f3a"
        async with httpx.AsyncClient() as client:
            good = await client.post(
                url, json=fake.message_update(201, "via webhook"), headers={HEADER: SECRET}
            )
            assert good.status_code == 200
            await fake.wait_for("sendMessage", lambda c: c.chat_id == 201)
            wrong = await client.post(
                url, json=fake.message_update(202, "forged"), headers={HEADER: SECRET + "x"}
            )
            missing = await client.post(url, json=fake.message_update(203, "forged"))
        assert (wrong.status_code, missing.status_code) == (403, 403)
        await asyncio.sleep(0.2)
        assert [(m.user_id, m.text) for m in conversation.inbound] == [("201", "via webhook")]
        assert [c.chat_id for c in fake.calls_of("sendMessage")] == [201]
        assert not fake.calls_of("getUpdates")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.mark.parametrize("secret", [None, "", "has space", "x" * 257])
async def test_webhook_refuses_to_start_without_a_valid_secret(
    fake: FakeTelegram, conversation: ScriptedConversation, secret: str | None
) -> None:
    extra = {"TOURBOT_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg/hook"}
    if secret is not None:
        extra["TOURBOT_TELEGRAM_WEBHOOK_SECRET"] = secret
    settings = make_settings(fake, **extra)
    with pytest.raises(TelegramConfigError):
        await serve(settings, conversation, True, asyncio.Event())
    assert fake.calls == []  # refused before any call to Telegram
