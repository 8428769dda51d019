"""Two outbox workers (two connections, as two `tourbot run` processes have) on one
SQLite file, one bot token: together they keep to the one rate. Dead workers' rows go."""

from __future__ import annotations

import time
from pathlib import Path

from bot.broadcast.runtime import Broadcasting
from tests.broadcast.helpers import content, running, until, wired
from tests.broadcast.test_worker import announce
from tests.fakes.telegram_api import FakeTelegram

RATE = 20.0


async def test_two_workers_share_one_rate(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(1000, 1040))
        first = w.worker(rate=RATE)
        other = await Broadcasting.open(w.bc.settings, content, first._config, w.clock)
        try:
            second = other.worker()
            sent = await announce(w, "Hội Lim sắp đến", None)
            async with running(first), running(second):
                await until(lambda: len(w.delivered()) == 40, within=10)
                await until(lambda: w.drained(sent.id))
        finally:
            await other.close()
        times = sorted(c.time for c in w.delivered())
        assert len({c.chat_id for c in w.delivered()}) == 40  # each once
        # At most RATE per second between them (a little slack for timer jitter).
        busiest = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
        assert busiest <= RATE + 2, f"{busiest} messages in one second"
        assert times[-1] - times[0] >= (40 - RATE - 2) / RATE


async def test_dead_workers_rows_expire(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake) as w:
        now = time.time()
        await w.bc.leases.register_worker("killed", 4242, "host", now - 3600)
        worker = w.worker()
        await w.bc.leases.register_worker("alive", 4243, "host", now)

        async def killed_gone() -> bool:
            return await w.bc.db.one("SELECT 1 FROM outbox_workers WHERE id = 'killed'") is None

        async with running(worker):
            await until(killed_gone, within=5)
            rows = await w.bc.db.all("SELECT id FROM outbox_workers ORDER BY id")
            assert sorted(r[0] for r in rows) == sorted(["alive", worker.id])
