"""The aiohttp transport, and the same round trip over PTB's default httpx transport."""

from __future__ import annotations

import socket
from typing import Literal

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.channels.telegram import TelegramTuning, build_application
from bot.channels.telegram_http import AiohttpRequest
from tests.channels.conftest import Running, ScriptedConversation, make_settings, polling
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")


@pytest.mark.parametrize("http", ["aiohttp", "httpx"])
async def test_round_trip_over_each_transport(
    fake: FakeTelegram, conversation: ScriptedConversation, http: Literal["aiohttp", "httpx"]
) -> None:
    app = build_application(make_settings(fake), conversation, TelegramTuning(http=http))
    async with polling(app):
        fake.push_message(401, "a <b>")
        (reply,) = await fake.wait_for("sendMessage", lambda c: c.chat_id == 401)
    assert reply.text == "echo: a &lt;b&gt;"


async def test_uploads_go_as_multipart(running: Running) -> None:
    await running.app.bot.send_document(402, document=b"%PDF-1.4 map", filename="map.pdf")
    (call,) = running.fake.calls_of("sendDocument")
    assert call.chat_id == 402
    assert call.params["document"].filename == "map.pdf"


async def test_proxy_from_the_environment(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake doubles as an HTTP proxy: aiohttp routes on the path of the absolute URL.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{fake.port}")
    bot = Bot(TOKEN, base_url="http://api.telegram.invalid/bot", request=AiohttpRequest(2))
    async with bot:
        assert bot.username == "tour_test_bot"
    assert [c.method for c in fake.calls] == ["getMe"]


async def test_connection_errors_become_network_errors() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once we leave: nothing listens there
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
