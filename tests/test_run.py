"""``tourbot run --channel telegram,zalo-bot`` as an operator starts it: one process, both
channels answering, announcements worker running, a clean exit on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.broadcast.helpers import until
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_bot_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_bot_api import FakeZaloBot


async def test_one_process_serves_telegram_and_zalo_bot(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram, FakeZaloBot() as zalo:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TOURBOT_TELEGRAM_BASE_URL": telegram.base_url,
            "TOURBOT_ZALO_BOT_TOKEN": ZALO_TOKEN,
            "TOURBOT_ZALO_BOT_BASE_URL": zalo.base_url,
            "TOURBOT_DB": str(tmp_path / "run.sqlite3"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--channel", "telegram,zalo-bot",
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            telegram.push_message(501, "Hội Lim ở đâu?")
            zalo.push_text("z-501", "When is the Lim festival?")
            calls = await telegram.wait_for("sendMessage", timeout=30)
            assert "Lim" in str(calls[0].params.get("text"))
            await until(lambda: bool(zalo.sent("z-501")), within=30)
            assert any("Lim" in text for text in zalo.sent("z-501"))
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert TELEGRAM_TOKEN not in err.decode()  # no token in the logs
