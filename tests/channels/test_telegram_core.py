"""The Telegram channel with the real core (``bot.app``) on the bundled content."""

from __future__ import annotations

import html
import os
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram import TelegramApp, build_application
from bot.content.loader import require_content
from bot.coreproc.supervisor import CoreProcess
from tests import conftest
from tests.broadcast.helpers import until
from tests.channels.conftest import FAST, make_settings, polling, to
from tests.fakes.telegram_api import Call, FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")


def well_formed(markup: str) -> bool:
    """Only our <b> tags; every other <, > and & arrives escaped."""
    rest = re.sub(r"</?b>", "", markup)
    return "<" not in rest and ">" not in rest and not re.search(r"&(?!lt;|gt;|amp;)", rest)


def callback_datas(call: Call) -> list[str]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@pytest.fixture
async def bot(app: App, fake: FakeTelegram) -> AsyncIterator[TelegramApp]:
    telegram = build_application(make_settings(fake), app.conversation, FAST)
    async with polling(telegram):
        await fake.wait_for("getUpdates")
        yield telegram


async def test_start_menu_and_a_button_press(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_command(501, "start", language_code="vi")
    (menu,) = await fake.wait_for("sendMessage", to(501))
    datas = callback_datas(menu)
    assert datas and all(d.isascii() and len(d.encode()) <= 64 for d in datas)
    fake.push_callback(501, datas[0], language_code="vi")
    await fake.wait_for("answerCallbackQuery")
    replies = await fake.wait_for("sendMessage", to(501), count=2)
    assert all(well_formed(c.text) for c in replies)


async def test_deep_link_opens_the_item(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_command(502, "start", "hoi-lim", language_code="vi")
    messages = await fake.wait_for("sendMessage", to(502), count=2)
    assert any("Hội Lim" in html.unescape(c.text) for c in messages)
    assert all(well_formed(c.text) for c in messages)


async def test_question_in_vietnamese_and_english(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_message(503, "Hội Lim tổ chức khi nào?", language_code="vi")
    fake.push_message(504, "When is the Lim festival?", language_code="en")
    (vi,) = await fake.wait_for("sendMessage", to(503))
    (en,) = await fake.wait_for("sendMessage", to(504))
    assert "Hội Lim" in html.unescape(vi.text) and "Lim" in html.unescape(en.text)
    assert well_formed(vi.text) and well_formed(en.text)


async def test_location_then_map_button_sends_a_venue(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_location(505, 21.58, 105.69, language_code="vi")  # Núi Cốc, a sourced point
    (nearest,) = await fake.wait_for("sendMessage", to(505))
    assert "Hồ Núi Cốc" in html.unescape(nearest.text)
    map_button = next(d for d in callback_datas(nearest) if d.startswith("m:"))
    fake.push_callback(505, map_button, language_code="vi")
    (venue,) = await fake.wait_for("sendVenue", to(505))
    assert venue.params["latitude"] and venue.params["longitude"] and venue.params["title"]


async def test_a_location_off_the_map_is_not_searched(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_location(507, 999.0, 105.64, language_code="en")
    (reply,) = await fake.wait_for("sendMessage", to(507))
    assert "not on the map" in html.unescape(reply.text)
    assert "km" not in reply.text and not callback_datas(reply)


async def test_forged_payload_is_refused_politely(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_callback(506, "i:no-such-item<&>", language_code="en")
    await fake.wait_for("answerCallbackQuery")
    (refusal,) = await fake.wait_for("sendMessage", to(506))
    assert "no longer valid" in refusal.text and callback_datas(refusal)  # the menu again
    fake.push_message(506, "hello")  # still served afterwards
    await fake.wait_for("sendMessage", to(506), count=2)


async def test_inline_query_shares_cards(bot: TelegramApp, fake: FakeTelegram) -> None:
    fake.push_inline_query(507, "hội lim", language_code="vi")
    (answer,) = await fake.wait_for("answerInlineQuery")
    results = answer.params["results"]
    assert "hoi-lim" in [r["id"] for r in results]
    card = next(r for r in results if r["id"] == "hoi-lim")
    assert card["input_message_content"]["parse_mode"] == "HTML"
    assert well_formed(card["input_message_content"]["message_text"])


async def test_core_in_its_own_process_answers_and_recovers_from_a_crash(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """As `tourbot run` serves by default: a crash of the core process mid-message gets
    the user an apology; their next message starts a new core and is answered."""
    settings = conftest.make_settings(tmp_path)
    core = await CoreProcess.start(settings, require_content(settings.content_dir))
    telegram = build_application(make_settings(fake), core, FAST)
    try:
        async with polling(telegram):
            fake.push_message(601, "When is the Lim festival?", language_code="en")
            (answer,) = await fake.wait_for("sendMessage", to(601))
            assert "Lim" in answer.text

            pid = core.pid
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)  # the next message stays in flight
            fake.push_message(601, "hội Lim", language_code="en")
            await until(lambda: core.in_flight == 1)  # the core has been asked
            os.kill(pid, signal.SIGKILL)
            await fake.wait_for("sendMessage", to(601, "Sorry, something went wrong"))

            fake.push_message(601, "hội Lim", language_code="en")
            await fake.wait_for("sendMessage", to(601, "Lim"), count=2)
            assert core.pid not in (None, pid)
    finally:
        await core.close()
