"""End to end: a real PTB application polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re

import pytest

from bot.channels.telegram import TelegramTuning, build_application, run_polling
from bot.channels.telegram_order import ChatOrderedProcessor
from bot.core.models import Location
from tests.channels.conftest import (
    LONG_TEXT,
    Running,
    ScriptedConversation,
    make_settings,
    polling,
    to,
)
from tests.fakes.telegram_api import Call, FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")


def visible(markup: str) -> str:
    """What the user sees of an HTML message."""
    return html.unescape(re.sub(r"</?b>", "", markup))


async def test_start_greets_in_the_client_language(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_command(11, "start", language_code="vi-VN")
    fake.push_command(12, "start", language_code="en-GB")
    (vi,) = await fake.wait_for("sendMessage", to(11))
    (en,) = await fake.wait_for("sendMessage", to(12))
    assert "Xin chào" in vi.text and "Hello" in en.text
    by_user = {m.user_id: m for m in conversation.inbound}
    assert by_user["11"].language_hint == "vi" and by_user["12"].language_hint == "en"
    assert by_user["11"].channel == "telegram" and by_user["11"].chat_id == "11"
    assert by_user["11"].display_name == "User11" and by_user["11"].text == "/start"


async def test_deep_link_payload_and_bot_suffix(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_command(21, "start", "tour-atk")
    fake.push_message(22, "/start@tour_test_bot hoi-lim")
    fake.push_message(23, "/start@some_other_bot hoi-lim")  # a group command for another bot
    fake.push_message(23, "/events@TOUR_TEST_BOT")
    await fake.wait_for("sendMessage", to(21, "tour-atk"))
    await fake.wait_for("sendMessage", to(22, "hoi-lim"))
    await fake.wait_for("sendMessage", to(23))
    texts = {(m.user_id, m.text) for m in conversation.inbound}
    assert texts == {("21", "/start tour-atk"), ("22", "/start hoi-lim"), ("23", "/events")}


async def test_text_is_html_escaped(running: Running) -> None:
    fake = running.fake
    fake.push_message(31, "<b>&</b>")
    fake.push_command(32, "start")
    (echo,) = await fake.wait_for("sendMessage", to(31))
    assert echo.text == "echo: &lt;b&gt;&amp;&lt;/b&gt;"
    assert echo.params["parse_mode"] == "HTML"
    (start,) = await fake.wait_for("sendMessage", to(32))
    assert start.text.startswith("<b>Tour &lt;Bot&gt; &amp; co</b>\n")


async def test_long_reply_is_split_with_keyboard_on_the_last_part(running: Running) -> None:
    fake = running.fake
    fake.push_message(41, "long")
    parts = await fake.wait_for("sendMessage", to(41), count=2)
    await asyncio.sleep(0.2)  # would-be extra parts
    parts = fake.calls_of("sendMessage")
    assert len(parts) == len(LONG_TEXT) // 4096 + 1
    assert all(len(visible(p.text)) <= 4096 for p in parts)
    assert visible(parts[0].text).startswith("Paragraph 0:")
    assert " ".join(visible(p.text) for p in parts).split() == LONG_TEXT.split()
    assert [("reply_markup" in p.params) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_keyboard_buttons(running: Running) -> None:
    fake = running.fake
    fake.push_command(51, "start")
    (start,) = await fake.wait_for("sendMessage", to(51))
    rows = start.params["reply_markup"]["inline_keyboard"]
    buttons = [b for row in rows for b in row]
    datas = [b["callback_data"] for b in buttons if "callback_data" in b]
    assert datas == ["ev:list"]  # the 65-byte and the non-ASCII payloads are dropped
    assert all(d.isascii() and len(d.encode()) <= 64 for d in datas)
    assert {"text": "Web", "url": "https://x.vn"} in buttons
    assert {"text": "Share", "switch_inline_query": "hội Lim"} in buttons
    assert len(rows) == 2  # the row whose buttons were all dropped disappears


async def test_callback_press_is_answered_and_replied(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_callback(61, "ev:7")
    (answer,) = await fake.wait_for("answerCallbackQuery")
    assert "text" not in answer.params
    await fake.wait_for("sendMessage", to(61, "Event ev:7"))
    assert conversation.inbound[-1].payload == "ev:7" and conversation.inbound[-1].text is None


async def test_odd_callbacks_never_raise(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_callback(62, "forged<script>\u00e9")
    fake.push_callback(63, None, game_short_name="snake")
    fake.push_callback(64, "ev:1", with_message=False)  # pressed under an inline message
    fake.push_callback(65, "noop", language_code="vi")
    answers = await fake.wait_for("answerCallbackQuery", count=4)
    assert len(answers) == 4
    await fake.wait_for("sendMessage", to(62, "expired"))
    await fake.wait_for("sendMessage", to(64, "Event ev:1"))
    texts = {a.params.get("text") for a in answers}
    assert "This button is not supported." in texts and "Đã nhận." in texts
    assert "63" not in {m.user_id for m in conversation.inbound}  # no payload to pass on
    await asyncio.sleep(0.1)
    assert not [c for c in fake.calls_of("sendMessage") if c.chat_id == 65]  # "noop": no message


async def test_location_gets_a_venue_after_the_text(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_location(71, 21.18, 106.07)
    (venue,) = await fake.wait_for("sendVenue", to(71))
    assert venue.params["latitude"] == 21.18 and venue.params["longitude"] == 106.07
    assert venue.params["title"] == "Chùa Bổ Đà"
    assert venue.params["address"] == "Tiên Sơn, Bắc Ninh"
    (text,) = fake.calls_of("sendMessage")
    assert text.time < venue.time
    assert conversation.inbound[0].location == Location(21.18, 106.07)


async def test_inline_query_answers_articles(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_inline_query(81, "hội lim", language_code="vi")
    (answer,) = await fake.wait_for("answerInlineQuery")
    results = answer.params["results"]
    assert conversation.card_queries == [("hội lim", "vi", 10)]
    assert [r["id"] for r in results] == ["hoi-lim-0", "hoi-lim-1", "hoi-lim-2"]
    first = results[0]
    assert first["type"] == "article" and first["title"] == "Hội Lim <0>"
    assert first["description"].startswith("Card 0 for hội lim & friends")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("<b>Hội Lim &lt;0&gt;</b>\nCard 0 for hội lim &amp;")
    # Callback buttons would reach nobody from someone else's chat; links stay.
    assert first["reply_markup"] == {"inline_keyboard": [[{"text": "Map", "url": "https://x.vn"}]]}


async def test_one_chat_in_order_many_chats_concurrently(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    started = asyncio.get_running_loop().time()
    fake.push_message(91, "slow")
    fake.push_message(91, "quick")
    fake.push_message(92, "slow")
    fake.push_message(93, "quick")
    calls = await fake.wait_for("sendMessage", count=4)
    elapsed = asyncio.get_running_loop().time() - started
    order: list[tuple[int, str]] = [(c.chat_id, c.text) for c in calls]
    mine = [text for chat, text in order if chat == 91]
    assert mine == ["echo: slow", "echo: quick"]  # the slow first message still comes first
    assert order.index((93, "echo: quick")) < order.index((91, "echo: slow"))
    assert conversation.max_active >= 2  # users 91 and 92 were served at the same time
    assert elapsed < 0.55  # two 0.3 s answers overlapped
    await asyncio.sleep(0.05)
    processor = running.app.update_processor
    assert (
        isinstance(processor, ChatOrderedProcessor) and processor.busy_chats == 0
    )  # per-chat queues are dropped when idle


async def test_a_flooding_chat_takes_one_slot_only(
    fake: FakeTelegram, conversation: ScriptedConversation
) -> None:
    tuning = TelegramTuning(max_concurrent_updates=2)
    async with polling(build_application(make_settings(fake), conversation, tuning)):
        for _ in range(3):
            fake.push_message(95, "slow")
        fake.push_message(96, "quick")
        calls = await fake.wait_for("sendMessage", count=2)
        # 96 is served in the second slot while 95's queue drains in the first.
        assert [(c.chat_id, c.text) for c in calls[:2]] == [(96, "echo: quick"), (95, "echo: slow")]


async def test_set_up_commands_and_descriptions_per_language(running: Running) -> None:
    fake = running.fake
    calls = await fake.wait_for("setMyCommands", count=3)
    by_lang: dict[object, Call] = {c.params.get("language_code"): c for c in calls}
    assert set(by_lang) == {None, "vi", "en"}
    names = [c["command"] for c in by_lang["en"].params["commands"]]
    assert names[0] == "start" and {"help", "language", "events", "tours", "places"} <= set(names)
    assert {"subscribe", "unsubscribe", "forget"} <= set(names)
    en = {c["command"]: c["description"] for c in by_lang["en"].params["commands"]}
    vi = {c["command"]: c["description"] for c in by_lang["vi"].params["commands"]}
    assert en["events"] == "Festivals and events coming up"
    assert vi["events"] == "Lễ hội và sự kiện sắp diễn ra"
    assert by_lang[None].params["commands"] == by_lang["vi"].params["commands"]
    descriptions = await fake.wait_for("setMyDescription", count=3)
    shorts = await fake.wait_for("setMyShortDescription", count=3)
    assert {c.params.get("language_code") for c in descriptions} == {None, "vi", "en"}
    assert all(0 < len(c.params["short_description"]) <= 120 for c in shorts)
    assert all(0 < len(c.params["description"]) <= 512 for c in descriptions)


async def test_polling_stops_cleanly_when_cancelled(
    fake: FakeTelegram, conversation: ScriptedConversation
) -> None:
    app = build_application(make_settings(fake), conversation, TelegramTuning())
    task = asyncio.create_task(run_polling(app))
    await fake.wait_for("getUpdates")
    update_id = fake.push_message(99, "last words")
    await fake.wait_for("sendMessage", to(99))
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert task.cancelled() and not app.running
    final = fake.calls_of("getUpdates")[-1]
    assert final.params["timeout"] == 0  # PTB's last call confirms the handled updates
    assert final.params["offset"] == update_id + 1


async def test_a_photo_caption_is_read_as_text(running: Running) -> None:
    fake, conversation = running.fake, running.conversation
    fake.push_media(61, "photo", caption="Hội Lim ở đâu?")
    (reply,) = await fake.wait_for("sendMessage", to(61))
    assert reply.text == "echo: Hội Lim ở đâu?"
    assert [m.text for m in conversation.inbound] == ["Hội Lim ở đâu?"]


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "contact"])
async def test_what_the_bot_cannot_read_gets_a_short_answer(running: Running, kind: str) -> None:
    fake = running.fake
    fake.push_media(64, kind, chat_id=-640)  # in a group: every member would get one
    fake.push_media(62, kind, language_code="en")
    fake.push_media(63, kind, language_code="vi")
    (en,) = await fake.wait_for("sendMessage", to(62))
    (vi,) = await fake.wait_for("sendMessage", to(63))
    assert "text and locations" in en.text
    assert "chữ và vị trí" in vi.text
    fake.push_message(64, "after", chat_id=-640)
    await fake.wait_for("sendMessage", to(-640, "echo: after"))
    assert len(fake.calls_of("sendMessage")) == 3
    assert [m.text for m in running.conversation.inbound] == ["after"]  # not the media
