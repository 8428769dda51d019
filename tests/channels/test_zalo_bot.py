"""End to end: the Zalo Bot channel polling (or receiving webhooks from) the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.app import App
from bot.channels.console import render
from bot.channels.zalo_bot import (
    BotTuning,
    ZaloBotChannel,
    ZaloBotClient,
    ZaloBotSender,
    serve_zalo_bot,
)
from bot.channels.zalo_common import Backoff, ZaloSettings, split_text
from bot.config import Settings
from bot.core.models import Inbound
from bot.core.outbound import Recipient
from bot.core.ports import Conversation
from bot.redact import log_id
from bot.store.db import Db
from tests.channels.conftest import LONG_TEXT, ScriptedConversation, squash
from tests.conftest import make_settings
from tests.fakes.zalo_bot_api import TOKEN, FakeZaloBot

FAST = BotTuning(
    poll_timeout=1,
    send=Backoff(attempts=3, base=0.01),
    rate_limit=Backoff(attempts=3, base=0.01),
    poll_errors=Backoff(attempts=0, base=0.01, cap=0.05),
)
SECRET = "s3cret-webhook-token"


def zalo_settings(fake: FakeZaloBot, **values: Any) -> ZaloSettings:
    base: dict[str, Any] = {
        "TOURBOT_ZALO_BOT_TOKEN": TOKEN,
        "TOURBOT_ZALO_BOT_BASE_URL": fake.base_url,
        "TOURBOT_ZALO_WEBHOOK_PORT": 0,
    }
    return ZaloSettings(_env_file=None, **{**base, **values})


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeZaloBot,
    conversation: Conversation,
    conn: Db,
    settings: Settings,
    *,
    webhook: bool = False,
    tuning: BotTuning = FAST,
    **values: Any,
) -> AsyncIterator[int]:
    """Run ``serve_zalo_bot`` in a task; yield the webhook port (0 when polling)."""
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_zalo_bot(
            settings,
            zalo_settings(fake, **values),
            conversation,
            conn,
            webhook,
            stop,
            tuning=tuning,
            on_ready=ready.set_result,
        )
    )
    try:
        yield await asyncio.wait_for(ready, 5)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    async with FakeZaloBot() as server:
        yield server


# -- with the real core ------------------------------------------------------------------


async def test_question_in_answer_out(app: App, fake: FakeZaloBot) -> None:
    async with running_bot(fake, app.conversation, app.db, app.settings):
        fake.push_text("u1", "Chùa Vĩnh Nghiêm có gì đặc biệt?")
        (answer,) = await fake.wait_for("sendMessage")
    assert answer.chat_id == "u1"
    assert "Vĩnh Nghiêm" in answer.text
    assert [c.params for c in fake.calls_of("deleteWebhook")] == [{}]  # polling needs none


async def test_numbered_options_map_back_to_payloads(app: App, fake: FakeZaloBot) -> None:
    (menu,) = await app.conversation.handle(Inbound("console", "c", "c", text="/start"))
    _shown, options = render(menu)
    (tours,) = await app.conversation.handle(
        Inbound("console", "c", "c", payload=options[1].payload)
    )
    async with running_bot(fake, app.conversation, app.db, app.settings):
        fake.push_text("u2", "/start")
        (start,) = await fake.wait_for("sendMessage")
        lines = start.text.splitlines()
        assert [f"{n}. {b.label}" for n, b in enumerate(options, 1)] == lines[-4:-1]
        fake.push_text("u2", "2")
        await fake.wait_for("sendMessage", count=2)
    second = fake.sent("u2")[1]
    assert squash(tours.text) in squash(second)
    for n, button in enumerate((b for row in tours.buttons for b in row), 1):
        assert f"{n}. {button.label}" in second


async def test_an_answer_asks_whether_it_helped_in_two_numbered_lines(
    app: App, fake: FakeZaloBot
) -> None:
    async with running_bot(fake, app.conversation, app.db, app.settings):
        fake.push_text("u3", "Chùa Dâu ở đâu?")
        (answer,) = await fake.wait_for("sendMessage")
        *_, up, down, hint = answer.text.splitlines()
        number = down.split(".")[0]
        assert (up, down) == (f"{int(number) - 1}. 👍 Hữu ích", f"{number}. 👎 Chưa hữu ích")
        assert hint == "Trả lời bằng một con số để chọn."
        fake.push_text("u3", number)
        await fake.wait_for("sendMessage", count=2)
    ask = fake.sent("u3")[1]
    assert "Câu trả lời còn thiếu điều gì?" in ask
    assert ask.splitlines()[-3:-1] == ["1. Bỏ qua", "2. Gặp nhân viên"]
    row = await app.db.one("SELECT channel, user_id, lang, item_id, vote FROM feedback")
    assert row is not None and tuple(row) == ("zalo-bot", "u3", "vi", "chua-dau", 0)


# -- with a scripted conversation -----------------------------------------------------------


async def test_numbers_without_options_are_text(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.push_text("u3", "2")  # nothing offered yet
        await fake.wait_for("sendMessage", count=1)
        fake.push_text("u3", "/start")  # offers ev:list, "p"*65 and "lễ" (the URL one is a link)
        await fake.wait_for("sendMessage", count=2)
        fake.push_text("u3", "2")
        await fake.wait_for("sendMessage", count=3)
        fake.push_text("u3", "9")  # out of range
        await fake.wait_for("sendMessage", count=4)
        fake.push_text("u3", "1")  # the previous answer offered nothing
        await fake.wait_for("sendMessage", count=5)
    got = [(m.text, m.payload) for m in conversation.inbound]
    assert got == [("2", None), ("/start", None), (None, "p" * 65), ("9", None), ("1", None)]
    start = fake.sent("u3")[1]
    assert start.startswith("Tour <Bot> & co\nXin chào!")  # the title on the first line
    assert "🔗 Web: https://x.vn" in start
    assert "1. Events\n2. Too long\n3. Accents" in start


async def test_idle_long_poll_408_is_normal(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        await fake.wait_for("getUpdates", status=408)  # an idle poll, then polling again
        fake.push_text("u4", "hello")
        (reply,) = await fake.wait_for("sendMessage")
    assert reply.text == "echo: hello"
    assert all(c.params == {"timeout": 1} for c in fake.calls_of("getUpdates"))


async def test_duplicate_message_id_is_answered_once_even_after_a_restart(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    update = fake.update("u5", "first", message_id="dup-1")
    async with running_bot(fake, conversation, conn, settings):
        fake.push(update)
        fake.push(update)
        fake.push_text("u5", "marker")
        await fake.wait_for("sendMessage", count=2)
    async with running_bot(fake, conversation, conn, settings):  # same database
        fake.push(update)
        fake.push({"result": update})  # wrapped, still the same message
        fake.push_text("u5", "after restart")
        await fake.wait_for("sendMessage", count=3)
    assert fake.sent("u5") == ["echo: first", "echo: marker", "echo: after restart"]


async def test_long_replies_are_split_under_2000_characters(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.push_text("u6", "long")
        await fake.wait_for("sendMessage", count=4)
    parts = fake.sent("u6")
    assert len(parts) == 4 and all(len(p) <= 2000 for p in parts)
    assert not [c for c in fake.calls_of("sendMessage") if c.status != 200]
    assert squash(" ".join(parts)).startswith(squash(LONG_TEXT))
    assert all(p.startswith("Paragraph") for p in parts)  # cut at paragraph boundaries
    assert "\n\n1. More\n" in parts[-1]


def test_split_text_boundaries() -> None:
    assert split_text("a" * 4500) == ["a" * 2000, "a" * 2000, "a" * 500]
    lines = "\n".join(f"line {n:04d} " + "x" * 40 for n in range(100))
    parts = split_text(lines)
    assert all(len(p) <= 2000 for p in parts)
    assert all(p.startswith("line ") for p in parts)  # cut at line ends
    assert "\n".join(parts) == lines
    words = " ".join(["word"] * 1000)
    assert " ".join(split_text(words)) == words
    assert split_text("  \n\n ") == []


async def test_non_text_messages_get_a_polite_reply(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.push(fake.update("u7", event_name="message.sticker.received"))
        (reply,) = await fake.wait_for("sendMessage")
    assert reply.chat_id == "u7" and reply.text
    assert conversation.inbound == []


async def test_errors_never_stop_the_loop(fake: FakeZaloBot, conn: Db, settings: Settings) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.fail("getUpdates", 502, times=2)
        fake.push({"garbage": True})
        fake.push({"event_name": "message.text.received", "message": {"from": {}}})
        fake.push("not even an object")
        fake.push_text("u8", "boom")  # the core raises: apologise
        fake.push_text("u8", "still here")
        await fake.wait_for("sendMessage", count=2)
    assert len(fake.sent("u8")) == 2 and fake.sent("u8")[1] == "echo: still here"
    assert [c.status for c in fake.calls_of("getUpdates")][:2] == [502, 502]


async def test_replies_retry_5xx_then_give_up(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    async with httpx.AsyncClient() as http:
        client = ZaloBotClient(http, fake.base_url, SecretStr(TOKEN))
        channel = ZaloBotChannel(client, ScriptedConversation(), conn, "vi", FAST)
        fake.fail("sendMessage", 503, times=2)
        assert (await channel.send_text("u9", "hi")).kind == "sent"
        fake.fail("sendMessage", 500, times=FAST.send.attempts)
        gave_up = await channel.send_text("u9", "hi again")
        assert gave_up.kind == "temporary" and "500" in gave_up.reason
        assert len(fake.calls_of("sendMessage")) == 3 + FAST.send.attempts
        fake.fail("sendMessage", 200, error_code=400, description="Bad Request: chat not found")
        refused = await channel.send_text("u9", "x")  # not worth a retry
        assert (refused.kind, refused.reason) == (
            "failed",
            "error 400: Bad Request: chat not found",
        )
        assert len(fake.calls_of("sendMessage")) == 3 + FAST.send.attempts + 1
        fake.fail("sendMessage", 429, times=2)  # rate limited: waits, then goes through
        assert (await channel.send_text("u9", "y")).kind == "sent"


async def test_blocked_user_is_reported_to_the_core(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with httpx.AsyncClient() as http:
        client = ZaloBotClient(http, fake.base_url, SecretStr(TOKEN))
        channel = ZaloBotChannel(client, conversation, conn, "vi", FAST)
        fake.fail("sendMessage", 403, description="Forbidden: the user blocked the bot")
        result = await channel.send_text("u10", "news")
    assert result.kind == "blocked"
    assert conversation.blocked == [("zalo-bot", "u10")]
    assert len(fake.calls_of("sendMessage")) == 1  # no retry


async def test_outbox_sender_makes_one_attempt_and_maps_errors(fake: FakeZaloBot) -> None:
    sender = ZaloBotSender.create(zalo_settings(fake))
    user = Recipient("zalo-bot", "u20", "vi")
    try:
        assert sender.channel == "zalo-bot"
        assert (await sender.send(user, "x" * 4500)).kind == "sent"
        assert [len(t) for t in fake.sent("u20")] == [2000, 2000, 500]
        outcomes = []
        for status in (502, 429, 403, 401):
            fake.fail("sendMessage", status)
            outcomes.append((await sender.send(user, "news")).kind)
        fake.fail("sendMessage", 200, error_code=400)
        outcomes.append((await sender.send(user, "news")).kind)
        assert outcomes == ["temporary", "retry_after", "blocked", "retry_after", "failed"]
        assert len(fake.calls_of("sendMessage")) == 3 + 5  # the outbox decides on retries
    finally:
        await sender.close()


async def test_a_group_refusal_does_not_block_the_user(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.fail("sendMessage", 403, chat_id="g1")
        fake.push_text("u11", "hi", chat_id="g1", chat_type="GROUP")
        fake.push_text("u11", "hi again")
        await fake.wait_for("sendMessage", lambda c: c.chat_id == "u11")
    assert conversation.blocked == []
    assert conversation.inbound[0].chat_id == "g1" and conversation.inbound[0].user_id == "u11"


async def test_webhook_secret_is_checked(fake: FakeZaloBot, conn: Db, settings: Settings) -> None:
    conversation = ScriptedConversation()
    values: dict[str, Any] = {
        "TOURBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET,
        "TOURBOT_ZALO_BOT_WEBHOOK_URL": "https://bot.example.vn/zalo/bot",
    }
    async with running_bot(fake, conversation, conn, settings, webhook=True, **values) as port:
        url = f"http://127.0.0.1:{port}/zalo/bot"
        async with httpx.AsyncClient() as http:
            update = fake.update("u12", "via webhook")
            header = "X-Bot-Api-Secret-Token"
            missing = await http.post(url, json=update)
            wrong = await http.post(url, json=update, headers={header: "wrong-secret-value"})
            right = await http.post(url, json=update, headers={header: SECRET})
            again = await http.post(url, json={"result": update}, headers={header: SECRET})
            wrapped = fake.update("u12", "wrapped")
            await http.post(url, json={"ok": True, "result": wrapped}, headers={header: SECRET})
            junk = await http.post(url, content=b"{not json", headers={header: SECRET})
            odd = await http.post(url, json={"event_name": 1}, headers={header: SECRET})
            await fake.wait_for("sendMessage", count=2)
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert (again.status_code, junk.status_code, odd.status_code) == (200, 400, 200)
    assert fake.sent("u12") == ["echo: via webhook", "echo: wrapped"]
    assert fake.webhook == {"url": "https://bot.example.vn/zalo/bot", "secret_token": SECRET}
    assert not fake.calls_of("getUpdates")


async def test_logs_carry_no_token_and_no_user_text(
    fake: FakeZaloBot,
    conn: Db,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    conversation = ScriptedConversation()
    async with running_bot(fake, conversation, conn, settings):
        fake.fail("getUpdates", 500)
        fake.fail("sendMessage", 500, times=5)
        fake.push_text("u13", "secret question about Hội Lim")
        fake.push_text("u13", "secret question about Hội Lim", message_id="again")
        await fake.wait_for("sendMessage", count=1)
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    assert "secret question" not in caplog.text
    assert f"reply to chat {log_id('u13')} not sent" in caplog.text


async def test_webhook_limits_apply(fake: FakeZaloBot, conn: Db, tmp_path: Path) -> None:
    """The Zalo webhook has the Telegram webhook's limits: an oversized body is refused
    unread, and an idle connection is closed."""
    settings = make_settings(tmp_path, TOURBOT_WEBHOOK_TIMEOUT=0.3)
    conversation = ScriptedConversation()
    values: dict[str, Any] = {"TOURBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET}
    async with running_bot(fake, conversation, conn, settings, webhook=True, **values) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(
                b"POST /zalo/bot HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"X-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n"
                b"Content-Length: 40000000\r\n\r\n{"
            )
            reply = await asyncio.wait_for(reader.read(), 2)
            assert reply.startswith(b"HTTP/1.1 413")
            assert await asyncio.wait_for(idle_reader.read(), 2) == b""
        finally:
            writer.close()
            idle_writer.close()
    assert conversation.inbound == []


async def test_instant_408_does_not_make_the_poller_spin(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    """A server answering 408 at once (not after the long poll): a bounded poll rate."""
    fake.fail("getUpdates", 408, times=100_000, description="Request Timeout")
    tuning = dataclasses.replace(FAST, poll_timeout=30)
    async with running_bot(fake, ScriptedConversation(), conn, settings, tuning=tuning):
        await asyncio.sleep(2.0)
    polls = len(fake.calls_of("getUpdates"))
    assert 1 <= polls <= 4, f"{polls} polls in 2 s"


async def test_webhook_path_comes_from_the_configured_url(
    fake: FakeZaloBot, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    values: dict[str, Any] = {
        "TOURBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET,
        "TOURBOT_ZALO_BOT_WEBHOOK_URL": "https://bot.example.vn/hooks/zb-7f3a",
    }
    async with running_bot(fake, conversation, conn, settings, webhook=True, **values) as port:
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as http:
            update = fake.update("u13", "via the configured path")
            old = await http.post(f"http://127.0.0.1:{port}/zalo/bot", json=update, headers=headers)
            new = await http.post(
                f"http://127.0.0.1:{port}/hooks/zb-7f3a", json=update, headers=headers
            )
            await fake.wait_for("sendMessage")
    assert (old.status_code, new.status_code) == (404, 200)
    assert fake.sent("u13") == ["echo: via the configured path"]
