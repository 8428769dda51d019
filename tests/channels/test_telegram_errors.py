"""Bot API failures and core failures: the adapter retries, records and keeps serving."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.telegram import TelegramTuning, build_application
from bot.channels.telegram_send import RetryPolicy
from bot.redact import log_id
from tests.channels.conftest import Running, ScriptedConversation, make_settings, polling, to
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")


async def test_blocked_user_is_marked_and_sending_stops(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.fail("sendMessage", 403, chat_id=101)
    fake.push_location(101, 21.0, 106.0)  # text + venue: the venue must not follow
    fake.push_message(102, "still there?")
    await fake.wait_for("sendMessage", to(102, "still there?"))
    await asyncio.sleep(0.1)
    assert conversation.blocked == [("telegram", "101")]
    assert [c.status for c in fake.calls_of("sendMessage") if c.chat_id == 101] == [403]
    assert not fake.calls_of("sendVenue")


async def test_blocked_in_a_group_does_not_mark_the_user(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.fail("sendMessage", 403, chat_id=-1001, description="Forbidden: bot was kicked")
    fake.push_message(103, "hi all", chat_id=-1001)
    await fake.wait_for("sendMessage", lambda c: c.chat_id == -1001)
    fake.push_message(103, "hi me")
    await fake.wait_for("sendMessage", to(103, "hi me"))
    assert conversation.blocked == []


async def test_flood_wait_is_honoured_then_retried(running: Running) -> None:
    fake = running.fake
    fake.fail("sendMessage", 429, chat_id=111, retry_after=1)
    fake.push_message(111, "hello")
    first, second = await fake.wait_for("sendMessage", to(111), count=2)
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0


async def test_server_errors_are_retried_then_given_up(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    fake.fail("sendMessage", 502, chat_id=121, times=2)
    fake.fail("sendMessage", 500, chat_id=122, times=5)
    fake.push_message(121, "a")
    fake.push_message(122, "b")
    calls = await fake.wait_for("sendMessage", to(121), count=3)
    assert [c.status for c in calls] == [502, 502, 200]
    await fake.wait_for("sendMessage", to(122), count=3)
    await asyncio.sleep(0.3)  # no fourth attempt
    assert [c.status for c in fake.calls_of("sendMessage") if c.chat_id == 122] == [500] * 3
    assert "failed after 3 attempts" in caplog.text


async def test_time_outs_are_retried(fake: FakeTelegram) -> None:
    tuning = TelegramTuning(read_timeout=0.3, retry=RetryPolicy(backoff=0.05))
    app = build_application(make_settings(fake), ScriptedConversation(), tuning)
    async with polling(app):
        fake.slow("sendMessage", 0.6, chat_id=131)
        fake.push_message(131, "are you there")
        first, second = await fake.wait_for("sendMessage", to(131), count=2)
        assert second.time - first.time >= 0.3  # the first attempt timed out


async def test_bad_request_is_logged_without_text_or_token(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    caplog.set_level(logging.INFO)  # httpx would log token-bearing URLs at INFO
    caplog.set_level(logging.DEBUG, logger="bot.channels")
    fake.fail("sendMessage", 400, chat_id=141)
    fake.push_message(141, "my private words")
    fake.push_message(142, "next")
    await fake.wait_for("sendMessage", to(142))
    await asyncio.sleep(0.05)
    assert f"sendMessage to chat {log_id(141)} rejected: Chat not found" in caplog.text
    assert "141" not in caplog.text  # ids are pseudonymised
    assert "my private words" not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_core_failure_gets_an_apology_and_serving_goes_on(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    update_id = fake.push_message(151, "boom", language_code="vi")
    (apology,) = await fake.wait_for("sendMessage", to(151))
    assert apology.text == "Xin lỗi, đã có lỗi xảy ra. Bạn vui lòng thử lại."
    assert f"update {update_id} failed" in caplog.text and "scripted failure" in caplog.text
    fake.push_message(151, "again")
    await fake.wait_for("sendMessage", to(151, "echo: again"))


async def test_core_failure_on_a_button_still_answers_it(running: Running) -> None:
    fake = running.fake
    fake.push_callback(152, "boom")
    (answer,) = await fake.wait_for("answerCallbackQuery")
    assert "text" not in answer.params
    (apology,) = await fake.wait_for("sendMessage", to(152))
    assert apology.text == "Sorry, something went wrong. Please try again."


async def test_replies_survive_a_short_outage_in_order(fake: FakeTelegram) -> None:
    """The Bot API answers 502 for 3 s: every reply still arrives, each chat's in order."""
    retry = RetryPolicy(backoff=0.1)  # waits double, for up to TOURBOT_REPLY_RETRY_SECONDS
    tuning = TelegramTuning(retry=retry)
    settings = make_settings(fake, TOURBOT_REPLY_RETRY_SECONDS=10)
    app = build_application(settings, ScriptedConversation(), tuning)
    async with polling(app):
        await fake.wait_for("getUpdates")
        fake.outage(3.0)
        for text in ("one", "two", "three"):
            fake.push_message(151, text)
        fake.push_message(152, "other chat")
        delivered = await fake.wait_for(
            "sendMessage", lambda c: c.status == 200, count=4, timeout=8.0
        )
    assert any(c.status == 502 for c in fake.calls_of("sendMessage"))
    assert [c.text for c in delivered if c.chat_id == 151] == [
        "echo: one",
        "echo: two",
        "echo: three",
    ]
    assert [c.text for c in delivered if c.chat_id == 152] == ["echo: other chat"]
    assert delivered[-1].time - fake.calls_of("sendMessage")[0].time >= 2.5
