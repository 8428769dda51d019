"""The channel contract: one conversation script, the same content on every channel.

The console renderer is the reference: for each step, every title, text line, item
title, option label and venue name the core produced must reach the user of each channel,
whatever the channel's format (HTML, numbered lists, template buttons).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

import pytest

from bot.app import App
from bot.channels.console import render
from bot.core.models import Inbound, Reply
from tests.channels.conftest import squash
from tests.channels.test_zalo_bot import running_bot
from tests.channels.test_zalo_oa import Webhook, running_oa
from tests.fakes.zalo_bot_api import FakeZaloBot
from tests.fakes.zalo_oa_api import FakeZaloOa

try:
    from bot.channels.telegram import build_application
    from tests.channels.conftest import FAST as TELEGRAM_FAST
    from tests.channels.conftest import make_settings as telegram_settings
    from tests.channels.conftest import polling
    from tests.fakes.telegram_api import FakeTelegram
except ImportError:  # the Telegram channel is optional for this contract
    FakeTelegram = None  # type: ignore[assignment, misc]

PRESS_FIRST = "<press the first option>"
SCRIPT = ("/start", "Hội Lim tổ chức khi nào?", "Tell me about Vinh Nghiem pagoda", PRESS_FIRST)
CHANNELS = ["zalo-bot", "zalo-oa"] + (["telegram"] if FakeTelegram is not None else [])


def facts(replies: Sequence[Reply]) -> tuple[list[str], list[str]]:
    """What a user must see of these replies on any channel: titles and text lines in
    this order, then option labels, item titles and venue names in any order (Telegram
    sends a venue as a message of its own, Zalo as a line of text)."""
    ordered: list[str] = []
    anywhere: list[str] = []
    for reply in replies:
        if reply.title:
            ordered.append(reply.title)
        ordered += [line for line in reply.text.splitlines() if line.strip()]
        anywhere += [item.title for item in reply.items]
        anywhere += [b.label for row in reply.buttons for b in row if b.payload]
        if reply.venue is not None:
            anywhere.append(reply.venue.title)
    return [squash(f) for f in ordered], [squash(f) for f in anywhere]


def missing(seen: str, ordered: list[str], anywhere: list[str]) -> list[str]:
    """The facts not in ``seen`` (each ordered one must follow the one before it)."""
    out = [fact for fact in anywhere if fact not in seen]
    position = 0
    for fact in ordered:
        found = seen.find(fact, position)
        if found < 0:
            out.append(fact)
        else:
            position = found + len(fact)
    return out


class Driver(Protocol):
    """One channel's user: says things, presses the first option, sees the output."""

    async def say(self, text: str) -> None: ...

    async def press_first(self) -> None: ...

    def seen(self) -> str:
        """Everything visible delivered since the last ``next_step``."""
        ...

    def next_step(self) -> None: ...


class ZaloBotUser:
    def __init__(self, fake: FakeZaloBot) -> None:
        self.fake, self.start = fake, 0

    async def say(self, text: str) -> None:
        self.fake.push_text("zb", text)

    async def press_first(self) -> None:
        self.fake.push_text("zb", "1")

    def seen(self) -> str:
        return "\n".join(self.fake.sent("zb")[self.start :])

    def next_step(self) -> None:
        self.start = len(self.fake.sent("zb"))


class ZaloOaUser:
    def __init__(self, fake: FakeZaloOa, hook: Webhook) -> None:
        self.fake, self.hook, self.start, self.previous = fake, hook, 0, 0

    def _step(self, start: int, end: int | None = None) -> list[Any]:
        return [s for s in self.fake.sent if s.user_id == "zo"][start:end]

    async def say(self, text: str) -> None:
        assert (await self.hook.post(self.fake.text_event("zo", text))).status_code == 200

    async def press_first(self) -> None:
        buttons = [b for sent in self._step(self.previous, self.start) for b in sent.buttons]
        await self.say(buttons[0]["payload"])  # "#<payload>", as Zalo sends it back

    def seen(self) -> str:
        sent = self._step(self.start)
        return "\n".join([s.text for s in sent] + [b["title"] for s in sent for b in s.buttons])

    def next_step(self) -> None:
        self.previous, self.start = self.start, len(self._step(0))


class TelegramUser:
    def __init__(self, fake: Any) -> None:
        self.fake, self.start, self.previous = fake, 0, 0

    def _calls(self, start: int, end: int | None = None) -> list[Any]:
        return [c for c in self.fake.calls if c.chat_id == 77][start:end]

    async def say(self, text: str) -> None:
        self.fake.push_message(77, text, language_code=None)

    async def press_first(self) -> None:
        for call in self._calls(self.previous, self.start):
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if "callback_data" in button:
                        self.fake.push_callback(77, button["callback_data"], language_code=None)
                        return
        raise AssertionError("no option to press")

    def seen(self) -> str:
        out = []
        for call in self._calls(self.start):
            if call.method == "sendMessage":
                out.append(html.unescape(re.sub(r"</?b>", "", call.text)))
                rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
                out += [button["text"] for row in rows for button in row]
            elif call.method == "sendVenue":
                out.append(call.params["title"])
        return "\n".join(out)

    def next_step(self) -> None:
        self.previous, self.start = self.start, len(self._calls(0))


@contextlib.asynccontextmanager
async def channel_user(channel: str, app: App) -> AsyncIterator[Driver]:
    if channel == "zalo-bot":
        async with (
            FakeZaloBot() as bot_fake,
            running_bot(bot_fake, app.conversation, app.db, app.settings),
        ):
            yield ZaloBotUser(bot_fake)
    elif channel == "zalo-oa":
        async with (
            FakeZaloOa() as oa_fake,
            running_oa(oa_fake, app.conversation, app.db, app.settings) as hook,
        ):
            yield ZaloOaUser(oa_fake, hook)
    else:
        async with FakeTelegram() as tg_fake:
            tg_app = build_application(telegram_settings(tg_fake), app.conversation, TELEGRAM_FAST)
            async with polling(tg_app):
                yield TelegramUser(tg_fake)


async def wait_until_seen(user: Driver, expected: tuple[list[str], list[str]], step: str) -> None:
    lacking = expected[0] + expected[1]
    for _ in range(250):
        lacking = missing(squash(user.seen()), *expected)
        if not lacking:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"step {step!r}: missing {lacking}\nseen: {user.seen()}")


@pytest.mark.parametrize("channel", CHANNELS)
async def test_every_channel_delivers_the_same_content(app: App, channel: str) -> None:
    # The reference: the core's replies, as the console renders them.
    reference: list[tuple[list[str], list[str]]] = []
    options: list[str] = []
    for step in SCRIPT:
        if step is PRESS_FIRST:
            msg = Inbound("console", "ref", "ref", payload=options[0])
        else:
            msg = Inbound("console", "ref", "ref", text=step)
        replies = await app.conversation.handle(msg)
        shown = squash("\n".join(render(r)[0] for r in replies))
        options = [b.payload for r in replies for b in render(r)[1] if b.payload]
        expected = facts(replies)
        assert expected[0] and missing(shown, *expected) == []
        reference.append(expected)
    assert "Hội Lim" in reference[1][0]  # the script means something
    assert "Vinh Nghiem Pagoda" in reference[2][0]

    async with channel_user(channel, app) as user:
        for step, facts_of_step in zip(SCRIPT, reference, strict=True):
            user.next_step()
            if step is PRESS_FIRST:
                await user.press_first()
            else:
                await user.say(step)
            await wait_until_seen(user, facts_of_step, step)
