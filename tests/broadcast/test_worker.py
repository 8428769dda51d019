"""The outbox worker end to end: real PTB ``Bot`` → the fake Bot API over HTTP.

Pacing, languages with fallback, every error kind, cancelling and scheduling.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.broadcast.compose import render
from bot.broadcast.service import Actor
from bot.store.outbox import Announcement
from tests.broadcast.helpers import Clock, Wired, running, until, wired
from tests.fakes.telegram_api import FakeTelegram

CLI = Actor("cli", "tester")


async def announce(
    w: Wired, vi: str | None, en: str | None, audience: str = "all", due: float | None = None
) -> Announcement:
    return await w.bc.service.create(CLI, vi, en, w.bc.service.audience(audience), due)


async def counts(w: Wired, ident: int) -> dict[str, int]:
    progress = await w.bc.outbox.progress(ident)
    assert progress is not None
    return progress.counts


async def test_everyone_gets_one_message_in_their_language(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 110), lang="vi")
        await w.add_users(range(200, 210), lang="en")
        await w.add_users([300], lang=None)  # no language yet: the default (vi)
        both = await announce(w, "Hội Lim sắp đến", "The Lim festival is near")
        vi_only = await announce(w, "Chỉ có tiếng Việt", None)
        assert both.total == vi_only.total == 21
        async with running(w.worker()):
            await until(lambda: len(w.delivered()) == 42)
            await until(lambda: w.drained(vi_only.id))
        for chat in [*range(100, 110), 300]:
            texts = [c.text for c in w.delivered(chat)]
            assert texts == [
                render("announcement", "Hội Lim sắp đến", "The Lim festival is near", "vi"),
                render("announcement", "Chỉ có tiếng Việt", None, "vi"),
            ]
        for chat in range(200, 210):
            texts = [c.text for c in w.delivered(chat)]
            assert texts[0].startswith("📢 Announcement\n\nThe Lim festival is near")
            # English readers fall back to the Vietnamese text, with an English frame.
            assert "Chỉ có tiếng Việt" in texts[1] and "/unsubscribe" in texts[1]
        assert await counts(w, both.id) == {"sent": 21}


async def test_sends_are_paced_globally_and_per_chat(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 140))
        await announce(w, "một", None)
        await announce(w, "hai", None)
        async with running(w.worker(rate=50.0, chat_interval=0.5)):
            await until(lambda: len(w.delivered()) == 80)
        times = sorted(c.time for c in w.delivered())
        # 80 messages at 50/s: 1.58 s from first to last, less at most 0.1 s of catching
        # up after a busy moment; and no burst.
        assert times[-1] - times[0] >= 79 / 50 - 0.12
        for start in times:
            assert sum(start <= t < start + 0.2 for t in times) <= 0.2 * 50 + 2
        for chat in range(100, 140):
            first, second = (c.time for c in w.delivered(chat))
            assert second - first >= 0.45


@pytest.mark.parametrize("as_timedelta", [False, True], ids=["int", "timedelta"])
async def test_retry_after_pauses_every_send(
    tmp_path: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch, as_timedelta: bool
) -> None:
    if as_timedelta:  # PTB then reports RetryAfter.retry_after as a timedelta
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.fail("sendMessage", 429, retry_after=1, chat_id=105)
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 120))
        a = await announce(w, "tin", None)
        worker = w.worker(rate=40.0)
        async with running(worker):
            await until(lambda: len(w.delivered()) == 20)
            await until(lambda: w.drained(a.id))
        [flood] = [c for c in fake.calls_of("sendMessage") if c.status == 429]
        during = [c for c in w.delivered() if flood.time + 0.15 < c.time < flood.time + 0.95]
        assert during == []  # nothing started while paused (in-flight ones may land)
        assert len(w.delivered(105)) == 1
        assert worker.stats.flood_waits == 1
        assert await counts(w, a.id) == {"sent": 20}


async def test_forbidden_blocks_and_unsubscribes_the_user(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    fake.fail("sendMessage", 403, chat_id=103)
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 105))
        a = await announce(w, "tin", None)
        async with running(w.worker()):
            await until(lambda: w.drained(a.id))
        progress = await w.bc.outbox.progress(a.id)
        assert progress is not None
        assert progress.counts == {"sent": 4, "failed": 1}
        assert progress.reasons == (("failed", "blocked", 1),)
        user = await w.users.get("telegram", "103")
        assert user is not None and user.blocked
        assert await w.users.subscriptions("telegram", "103") == []
        again = await announce(w, "tin 2", None)
        assert again.total == 4  # no longer in any audience


async def test_bad_request_fails_the_row_with_the_reason(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    fake.fail("sendMessage", 400, chat_id=101)
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 103))
        a = await announce(w, "tin", None)
        async with running(w.worker()):
            await until(lambda: w.drained(a.id))
        progress = await w.bc.outbox.progress(a.id)
        assert progress is not None and progress.counts == {"sent": 2, "failed": 1}
        [(status, reason, n)] = progress.reasons
        assert status == "failed" and "chat not found" in reason.lower() and n == 1
        assert len(fake.calls_of("sendMessage")) == 3  # a bad request is not retried


async def test_timeouts_and_server_errors_are_retried_then_given_up(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    fake.slow("sendMessage", 0.8, chat_id=101)  # longer than send_timeout: TimedOut
    fake.fail("sendMessage", 502, chat_id=102)
    fake.fail("sendMessage", 500, chat_id=103, times=10)  # never recovers
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 105))
        a = await announce(w, "tin", None)
        worker = w.worker(max_attempts=3)
        async with running(worker):
            await until(lambda: w.drained(a.id))
        progress = await w.bc.outbox.progress(a.id)
        assert progress is not None and progress.counts == {"sent": 4, "failed": 1}
        [(status, _reason, _n)] = progress.reasons
        assert status == "failed"
        assert len([c for c in fake.calls_of("sendMessage") if c.chat_id == 103]) == 3
        # The timed-out request may have been delivered too: Telegram has no idempotency
        # key, so the retry is the second message that chat sees.
        assert len(w.delivered(101)) == 2
        assert len(w.delivered(102)) == 1
        assert worker.stats.retried == 1 + 1 + 2


async def test_cancel_stops_a_running_announcement(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 160))
        a = await announce(w, "tin", None)
        async with running(w.worker(rate=20.0)):
            await until(lambda: len(w.delivered()) >= 5)
            assert await w.bc.service.cancel(CLI, a.id)
            await until(lambda: w.drained(a.id))
            sent_then = len(w.delivered())
        c = await counts(w, a.id)
        assert c["sent"] == sent_then == len(w.delivered()) < 60
        assert c["sent"] + c["skipped"] == 60
        announcement = await w.bc.outbox.get(a.id)
        assert announcement is not None and announcement.status == "cancelled"


async def test_scheduled_announcement_waits_and_survives_a_restart(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    clock = Clock()
    async with wired(tmp_path, fake, clock) as w:
        await w.add_users(range(100, 105))
        a = await announce(w, "hẹn giờ", None, due=clock() + 3600)
        assert a.status == "scheduled" and a.total == 0
        async with running(w.worker()):
            await asyncio.sleep(0.3)  # several polls: not due yet
        assert w.delivered() == []
        await w.add_users([106])  # subscribed after scheduling: counted when it starts
        clock.jump(3600)
        async with running(w.worker()):  # a new worker, as after a restart
            await until(lambda: len(w.delivered()) == 6)
        done = await w.bc.outbox.get(a.id)
        assert done is not None and done.total == 6
