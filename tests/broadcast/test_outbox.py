"""The outbox store: one transaction per announcement, audiences, leases, and a real
``kill -9`` of a worker process mid-broadcast followed by a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.broadcast.service import Actor
from bot.config import PROJECT_DIR
from bot.store.db import connect
from bot.store.outbox import NewAnnouncement, StaleDraft
from tests.broadcast.helpers import Wired, running, until, wired
from tests.fakes.telegram_api import TOKEN, FakeTelegram

CLI = Actor("cli", "tester")


async def statuses(w: Wired, ident: int) -> Counter[str]:
    rows = await w.bc.db.all("SELECT status FROM deliveries WHERE announcement_id = ?", (ident,))
    return Counter(row[0] for row in rows)


async def test_announcement_and_its_rows_commit_together(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        await w.add_users(range(1, 501))
        reader = await connect(w.bc.settings.db)
        seen: list[tuple[int, int]] = []

        async def watch() -> None:  # another connection, as the bot process would be
            while not seen or seen[-1][0] == 0:
                row = await reader.one(
                    "SELECT (SELECT COUNT(*) FROM announcements), (SELECT COUNT(*) FROM deliveries)"
                )
                assert row is not None
                seen.append((int(row[0]), int(row[1])))
                await asyncio.sleep(0)

        watcher = asyncio.create_task(watch())
        try:
            created = await w.bc.service.create(
                CLI, "tin", None, w.bc.service.audience("all"), None
            )
            await asyncio.wait_for(watcher, 5)
        finally:
            await reader.close()
        assert created.total == 500
        assert all(rows == (0 if n == 0 else 500) for n, rows in seen)

        # A stale draft (already confirmed, or edited since the preview) writes nothing.
        with pytest.raises(StaleDraft):
            await w.bc.service.create(
                Actor("telegram", "9"), "x", None, w.bc.service.audience("all"), None, draft_rev=3
            )
        assert [a.id for a in await w.bc.outbox.recent()] == [created.id]


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("all", {"all", "lang-son", "bac-ninh", "bac-giang", "hoi-lim", "tag"}),
        ("province:lang-son", {"all", "lang-son"}),
        # Bắc Giang merged into Bắc Ninh in 2025: news for one reaches both.
        ("province:bac-ninh", {"all", "bac-ninh", "bac-giang"}),
        ("event:hoi-lim", {"hoi-lim"}),
        ("tag:festival", {"all", "tag"}),
        ("province:lang-son event:hoi-lim", {"all", "lang-son", "hoi-lim"}),
    ],
)
async def test_audiences(tmp_path: Path, audience: str, expected: set[str]) -> None:
    topics = {
        "all": "all",
        "lang-son": "province:lang-son",
        "bac-ninh": "province:bac-ninh",
        "bac-giang": "province:bac-giang",
        "hoi-lim": "event:hoi-lim",
        "tag": "tag:festival",
    }
    async with wired(tmp_path, None) as w:
        for n, topic in enumerate(topics.values()):
            await w.add_users([n], topic=topic)
        await w.add_users([99], topic="province:lang-son")
        await w.users.mark_blocked("telegram", "99")  # blocked: in no audience
        created = await w.bc.service.create(CLI, "tin", None, w.bc.service.audience(audience), None)
        rows = await w.bc.db.all(
            "SELECT user_id FROM deliveries WHERE announcement_id = ?", (created.id,)
        )
        got = {int(r[0]) for r in rows}
        names = list(topics)
        assert {names[i] for i in got} == expected


async def test_a_dead_workers_rows_are_claimed_again(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        await w.add_users(range(10))
        await w.bc.service.create(CLI, "tin", None, w.bc.service.audience("all"), None)
        leases, t = w.bc.leases, 1000.0
        await leases.register_worker("A", 1, "here", t)
        await leases.register_worker("B", 2, "here", t)
        mine = await leases.claim("A", t, t - 15, 4, ["telegram"])
        assert [r.attempts for r in mine] == [1, 1, 1, 1]
        # While A beats, B gets only the other rows.
        others = await leases.claim("B", t + 1, t + 1 - 15, 100, ["telegram"])
        assert {r.id for r in others}.isdisjoint(r.id for r in mine) and len(others) == 6
        # A falls silent; 15 s later its leases are free: claimed again, attempt 2.
        await leases.heartbeat("B", t + 20)
        again = await leases.claim("B", t + 20, t + 20 - 15, 100, ["telegram"])
        assert sorted(r.id for r in again) == sorted(r.id for r in mine)
        assert {r.attempts for r in again} == {2}


async def test_kill_9_mid_broadcast_then_restart_loses_nobody(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    recipients = range(1000, 1150)
    async with wired(tmp_path, fake) as w:
        await w.add_users(recipients, lang="en")
        a = await w.bc.service.create(CLI, "tin", "news", w.bc.service.audience("all"), None)
        env = {
            **os.environ,
            "TOURBOT_DB": str(w.bc.settings.db),
            "TOURBOT_CONTENT": str(PROJECT_DIR / "content"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TOURBOT_TELEGRAM_BASE_URL": fake.base_url,
            "TOURBOT_BROADCAST_RATE": "100",
            "TOURBOT_BROADCAST_POLL_INTERVAL": "0.05",
            "TOURBOT_BROADCAST_FLUSH_INTERVAL": "0.2",
            "TOURBOT_BROADCAST_LEASE_TIMEOUT": "1",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli.worker",
            cwd=tmp_path,  # no .env here
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await until(lambda: len(w.delivered()) >= 40, within=20)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        in_flight = (await statuses(w, a.id))["sending"]
        assert in_flight > 0  # the kill did land mid-run
        async with running(w.worker()):
            await until(lambda: w.drained(a.id), within=20)
        assert await statuses(w, a.id) == Counter({"sent": 150})
        per_chat = Counter(c.chat_id for c in w.delivered())
        assert set(per_chat) == set(recipients)  # nobody lost
        duplicates = sum(n - 1 for n in per_chat.values())
        assert duplicates <= in_flight


async def test_reminder_is_created_once_per_occurrence(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        await w.add_users([1, 2], topic="event:hoi-lim")
        new = NewAnnouncement(
            "nhắc", "remind", "event:hoi-lim", ("event:hoi-lim",), "reminders", 0.0,
            kind="reminder", ref="reminder:hoi-lim:2027-02-18",
        )  # fmt: skip
        first = await w.bc.outbox.ensure_reminder(new, 10.0)
        again = await w.bc.outbox.ensure_reminder(new, 11.0)
        assert first[1] == 2 and again == (first[0], 0)
        await w.add_users([3], topic="event:hoi-lim")  # subscribed later: topped up
        assert await w.bc.outbox.ensure_reminder(new, 12.0) == (first[0], 1)


async def test_rows_wait_for_a_worker_of_their_channel(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        for channel, user in [("telegram", "1"), ("zalo-bot", "z1"), ("console", "console")]:
            await w.users.touch(channel, user, "vi")
            await w.users.subscribe(channel, user, "all")
        created = await w.bc.service.create(CLI, "tin", None, w.bc.service.audience("all"), None)
        assert created.total == 2  # the terminal chat cannot be reached later
        await w.bc.leases.register_worker("T", 1, "here", 10.0)
        claimed = await w.bc.leases.claim("T", 10.0, 0.0, 100, ["telegram"])
        assert [(r.channel, r.user_id) for r in claimed] == [("telegram", "1")]
        # The Zalo row stays pending for a worker that has a Zalo sender.
        assert await w.bc.leases.open_count(created.id) == 2
        [zalo] = await w.bc.leases.claim("Z", 10.0, 0.0, 100, ["zalo-bot"])
        assert zalo.user_id == "z1"
