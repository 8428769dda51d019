"""The Telegram webhook under abuse, over real sockets on 127.0.0.1: oversized bodies,
missing secrets, slow and idle connections. Every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.channels.telegram import serve
from tests.channels.conftest import FAST, ScriptedConversation, make_settings
from tests.channels.test_telegram_webhook import HEADER, SECRET, free_port
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")

PATH = "/tg/hook-limits"
TIMEOUT = 0.5  # TOURBOT_WEBHOOK_TIMEOUT in these tests
CAP = 20  # TOURBOT_WEBHOOK_MAX_CONNECTIONS


@contextlib.asynccontextmanager
async def webhook(fake: FakeTelegram, conversation: ScriptedConversation) -> AsyncIterator[int]:
    port = free_port()
    settings = make_settings(
        fake,
        TOURBOT_TELEGRAM_WEBHOOK_URL=f"https://bot.example.org{PATH}",
        TOURBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
        TOURBOT_WEBHOOK_LISTEN="127.0.0.1",
        TOURBOT_WEBHOOK_PORT=port,
        TOURBOT_WEBHOOK_TIMEOUT=TIMEOUT,
        TOURBOT_WEBHOOK_MAX_CONNECTIONS=CAP,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, conversation, True, stop, FAST))
    try:
        await fake.wait_for("setWebhook")
        yield port
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def head(length: int, secret: str | None = SECRET) -> bytes:
    lines = [
        f"POST {PATH} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if secret is not None:
        lines.append(f"{HEADER}: {secret}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def answer(port: int, data: bytes, within: float = 2.0) -> bytes:
    """Send ``data`` (never the rest of the body) and read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), within)
    finally:
        writer.close()


async def test_oversized_body_is_refused_without_being_read(
    fake: FakeTelegram, conversation: ScriptedConversation
) -> None:
    async with webhook(fake, conversation) as port:
        # 50 MB announced, 1 kB sent: the answer comes at once, and the socket closes.
        reply = await answer(port, head(50_000_000) + b"{" * 1024)
    assert reply.startswith(b"HTTP/1.1 413")
    assert conversation.inbound == []


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
async def test_missing_or_wrong_secret_is_refused_before_the_body(
    fake: FakeTelegram, conversation: ScriptedConversation, secret: str | None
) -> None:
    async with webhook(fake, conversation) as port:
        reply = await answer(port, head(100_000, secret))  # no body at all
    assert reply.startswith(b"HTTP/1.1 403")
    assert conversation.inbound == []


async def test_slow_body_times_out(fake: FakeTelegram, conversation: ScriptedConversation) -> None:
    async with webhook(fake, conversation) as port:
        reply = await answer(port, head(1000) + b'{"update_id":', within=TIMEOUT + 2)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 408")
    assert conversation.inbound == []


async def test_idle_connections_neither_block_updates_nor_stay_open(
    fake: FakeTelegram, conversation: ScriptedConversation
) -> None:
    async with webhook(fake, conversation) as port:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3 * CAP)]
        try:
            async with httpx.AsyncClient(timeout=2.0) as client:
                response = await client.post(
                    f"http://127.0.0.1:{port}{PATH}",
                    json=fake.message_update(301, "through the crowd"),
                    headers={HEADER: SECRET},
                )
            assert response.status_code == 200
            await fake.wait_for("sendMessage", lambda c: c.chat_id == 301, timeout=2.0)
            # Every idle socket is closed by the server: evicted, or timed out.
            closed = await asyncio.wait_for(
                asyncio.gather(*(reader.read() for reader, _writer in idle)), TIMEOUT + 2
            )
            assert closed == [b""] * len(idle)
        finally:
            for _reader, writer in idle:
                writer.close()
