"""The outbox worker killed with SIGKILL mid-broadcast: a restart loses nobody."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.broadcast.service import Actor
from bot.config import PROJECT_DIR
from tests.broadcast.helpers import running, statuses, until, wired
from tests.fakes.telegram_api import TOKEN, FakeTelegram

CLI = Actor("cli", "tester")


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
