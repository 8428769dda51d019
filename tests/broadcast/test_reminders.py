"""Event reminders: "Remind me" → a message the day before, in the visitor's language,
once, even across restarts; late subscribers are added while it is still useful."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot.broadcast.compose import render
from bot.broadcast.reminders import Reminders, reminder_text
from bot.calendar.recurrence import next_occurrence
from bot.content.schema import Event
from bot.core.models import Inbound
from tests.broadcast.helpers import TZ, Clock, Wired, at, content, running, until, wired
from tests.conftest import TODAY
from tests.fakes.telegram_api import FakeTelegram


async def remind_me(w: Wired, user_id: int, lang: str) -> None:
    assert w.dispatcher is not None
    msg = Inbound("telegram", str(user_id), str(user_id), payload="r:hoi-lim", language_hint=lang)
    [reply] = await w.dispatcher.handle(msg)
    assert reply.answered


async def test_remind_me_sends_a_reminder_the_day_before(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    event = content().items["hoi-lim"]
    assert isinstance(event, Event)
    occurrence = next_occurrence(event.recurrence, TODAY)
    assert occurrence is not None
    eve = occurrence.start - dt.timedelta(days=1)
    clock = Clock(at(eve.year, eve.month, eve.day, 8, 59))  # a minute before it is due
    async with wired(tmp_path, fake, clock, full=True) as w:
        await remind_me(w, 501, "vi")
        await remind_me(w, 502, "en")
        async with running(w.worker(reminder_check_interval=0.05)):
            await asyncio.sleep(0.3)
            assert w.delivered() == []
            clock.jump(60)
            await until(lambda: len(w.delivered()) == 2)
        texts = {lang: reminder_text(event, occurrence, lang) for lang in ("vi", "en")}
        [vi] = w.delivered(501)
        assert vi.text == render("reminder", texts["vi"], texts["en"], "vi")
        assert vi.text.startswith("⏰ Nhắc lịch") and "Hội Lim" in vi.text
        [en] = w.delivered(502)
        assert en.text.startswith("⏰ Reminder") and "Lim Festival" in en.text

        # A restart sends nothing again; someone who subscribes later still gets it.
        await remind_me(w, 503, "en")
        async with running(w.worker(reminder_check_interval=0.05)):
            await until(lambda: len(w.delivered(503)) == 1)
            await asyncio.sleep(0.2)
        assert len(w.delivered()) == 3


def test_reminder_window_follows_the_settings() -> None:
    event = content().items["hoi-lim"]
    assert isinstance(event, Event)
    occurrence = next_occurrence(event.recurrence, TODAY)
    assert occurrence is not None
    reminders = Reminders(None, content, "Asia/Ho_Chi_Minh", days_before=3, hour=18)  # type: ignore[arg-type]
    due, over = reminders.window(occurrence)
    start = dt.datetime.combine(occurrence.start, dt.time(), TZ)
    assert dt.datetime.fromtimestamp(due, TZ) == start - dt.timedelta(days=3) + dt.timedelta(
        hours=18
    )
    assert dt.datetime.fromtimestamp(over, TZ) == start + dt.timedelta(days=1)
