"""The bot token never reaches a log line or an error text, even when the HTTP layer
fails with the full URL in its message (a bad status line, a redirect loop)."""

from __future__ import annotations

import asyncio
import logging
import traceback
from functools import partial

import pytest
from telegram.error import NetworkError

from bot.channels.telegram import build_application
from bot.channels.telegram_send import ReplySender as Sender
from bot.channels.telegram_send import RetryPolicy, _post
from tests.channels.conftest import FAST, ScriptedConversation, make_settings, polling
from tests.fakes.broken_http import BrokenBotApi
from tests.fakes.telegram_api import TOKEN

pytestmark = pytest.mark.usefixtures("catalogs")


def _texts(caplog: pytest.LogCaptureFixture) -> str:
    """Every message and formatted traceback the log records hold."""
    formatter = logging.Formatter()
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts)


async def test_http_errors_do_not_leak_the_token(caplog: pytest.LogCaptureFixture) -> None:
    conversation = ScriptedConversation()
    # INFO, as `tourbot run -v` logs (PTB's DEBUG lines show its URLs: the filter of
    # bot.redact masks those, see tests/test_redact.py); here the errors must be clean.
    caplog.set_level(logging.INFO)
    async with BrokenBotApi() as server:
        app = build_application(make_settings(server), conversation, FAST)  # type: ignore[arg-type]
        # Polling meets a bad status line: PTB logs the failure at ERROR with a traceback.
        async with polling(app):
            deadline = asyncio.get_running_loop().time() + 5
            while not any(p.endswith("/getUpdates") for p in server.requests):
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)
        # A send meets a redirect loop (TooManyRedirects).
        await app.initialize()
        try:
            with pytest.raises(NetworkError) as raised:
                await app.bot.send_message(5, "hi")
            sender = Sender(conversation, RetryPolicy(attempts=2, backoff=0.01), 2)
            send = partial(_post, app.bot, "sendMessage", {"chat_id": 5, "text": "hi"})
            assert await sender.call("sendMessage", send, chat_id=5) is None
        finally:
            await app.shutdown()
    error_text = "".join(traceback.format_exception(raised.value))
    assert "TooManyRedirects" in error_text
    assert TOKEN not in error_text
    logged = _texts(caplog)
    assert "Exception happened while polling" in logged  # the failures were logged
    assert "failed after 2 attempts" in logged
    assert TOKEN not in logged
    assert TOKEN.split(":")[1] not in logged
