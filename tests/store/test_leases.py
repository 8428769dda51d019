"""Leases on outbox rows: workers, heartbeats, claims by channel."""

from __future__ import annotations

from pathlib import Path

from bot.broadcast.service import Actor
from tests.broadcast.helpers import wired

CLI = Actor("cli", "tester")


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
