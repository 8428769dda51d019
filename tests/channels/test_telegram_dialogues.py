"""Whole conversations through the real Telegram path answer exactly as the core does.

Each dialogue of ``eval/dialogues*.jsonl`` (the held-out sets too) is played twice
against one real app: through python-telegram-bot and the fake Bot API (as one Telegram
user), and straight into the dispatcher (as `tourbot ask --session` does). Every turn
must come back with the same texts: context, numbers picking options and follow-ups work
the same on a messenger.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.channels.telegram import build_application
from bot.config import PROJECT_DIR
from bot.core.models import Inbound, Reply
from tests.channels.conftest import FAST, make_settings, polling
from tests.conftest import make_settings as core_settings
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.usefixtures("catalogs")

DIALOGUES = [
    json.loads(line)
    for path in sorted((PROJECT_DIR / "eval").glob("dialogues*.jsonl"))
    for line in path.read_text("utf-8").splitlines()
    if line.strip()
]
TODAY = dt.date.fromisoformat(DIALOGUES[0]["today"])


def shown(reply: Reply) -> str:
    return f"{reply.title}\n{reply.text}" if reply.title else reply.text


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"</?b>", "", markup))


@pytest.fixture
async def dialogue_app(tmp_path: Path) -> AsyncIterator[App]:
    app = await build_app(core_settings(tmp_path), lambda: TODAY)
    try:
        yield app
    finally:
        await app.close()


async def test_dialogues_answer_the_same_on_telegram(dialogue_app: App, fake: FakeTelegram) -> None:
    conversation = dialogue_app.conversation
    assert conversation is not None
    played = [d for d in DIALOGUES if d["today"] == TODAY.isoformat()]
    assert len(played) >= 50
    telegram = build_application(make_settings(fake), conversation, FAST)
    async with polling(telegram):
        await fake.wait_for("getUpdates")
        compared = 0
        for number, dialogue in enumerate(played):
            chat = 7000 + number
            for turn in dialogue["turns"]:
                direct = await conversation.handle(
                    Inbound(
                        "test",
                        f"d{number}",
                        f"d{number}",
                        text=turn["q"],
                        language_hint=dialogue["lang"],
                    )
                )
                expected = [shown(r) for r in direct if r.text.strip()]
                before = len([c for c in fake.calls_of("sendMessage") if c.chat_id == chat])
                fake.push_message(chat, turn["q"], language_code=dialogue["lang"])
                calls = await fake.wait_for(
                    "sendMessage",
                    lambda c, chat=chat: c.chat_id == chat,
                    count=before + len(expected),
                )
                got = [plain(c.text) for c in calls[before:]]
                assert got == expected, (dialogue["id"], turn["q"])
                compared += len(got)
    assert compared >= sum(len(d["turns"]) for d in played)  # every turn said something
