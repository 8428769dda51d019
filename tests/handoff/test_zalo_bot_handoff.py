"""A Zalo Bot visitor talks to staff: the real Zalo Bot channel (polling the fake Zalo Bot
API) and the real Telegram staff chat, with the relay between them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.zalo_bot_api import ZaloBotSender
from tests.broadcast.helpers import until
from tests.channels.test_zalo_bot import running_bot, zalo_settings
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_bot_api import FakeZaloBot
from tests.handoff.conftest import STAFF, STAFF_CHAT, callback_datas, in_chat, running_desk, text

pytestmark = pytest.mark.usefixtures("catalogs")
VISITOR = "zb-5"


async def test_a_zalo_bot_visitor_and_staff(tmp_path: Path, fake: FakeTelegram) -> None:
    async with FakeZaloBot() as zbot:
        sender = ZaloBotSender.create(zalo_settings(zbot))
        try:
            async with running_desk(tmp_path, fake, {"zalo-bot": sender}) as desk:
                assert desk.app.conversation is not None
                async with running_bot(zbot, desk.app.conversation, desk.app.db, desk.app.settings):
                    zbot.push_text(VISITOR, "tu van vien oi")
                    await until(lambda: any("cán bộ" in t for t in zbot.sent(VISITOR)))
                    (card,) = await desk.card()
                    assert "Zalo Bot" in text(card) and callback_datas(card) == ["hc:1", "hx:1"]
                    thread = card.params["message_thread_id"]
                    zbot.push_text(VISITOR, "Đền Cờn có gần Cửa Lò không?")
                    await fake.wait_for(
                        "sendMessage",
                        in_chat(STAFF_CHAT, "👤 Đền Cờn có gần Cửa Lò không?", thread),
                    )
                    fake.push_message(STAFF, "Có, khá gần ạ.", chat_id=STAFF_CHAT, thread_id=thread)
                    await until(lambda: "Phòng du lịch: Có, khá gần ạ." in zbot.sent(VISITOR))
                    # The bot said nothing of its own about Đền Cờn meanwhile.
                    assert not [t for t in zbot.sent(VISITOR) if "Cờn" in t]
        finally:
            await sender.close()
