"""``tourbot run --channel telegram,zalo-bot`` as an operator starts it: one process, both
channels answering, announcements worker running, a clean exit on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from bot.config import PROJECT_DIR
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


async def test_sighup_reloads_the_content_of_the_process_that_answers(tmp_path: Path) -> None:
    """`tourbot run` answers from its core process: an edit to content/ followed by
    SIGHUP must reach that process, without a restart; SIGTERM to the whole process
    group (systemd's way) ends both cleanly."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    async with FakeTelegram() as telegram:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TOURBOT_TELEGRAM_BASE_URL": telegram.base_url,
            "TOURBOT_DB": str(tmp_path / "run.sqlite3"),
            "TOURBOT_CONTENT": str(content),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "-v", "run",
            cwd=tmp_path, env=env, start_new_session=True,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stderr is not None
        log: list[str] = []

        async def log_line(marker: str) -> None:
            while not any(marker in line for line in log):
                line = await asyncio.wait_for(proc.stderr.readline(), 30)  # type: ignore[union-attr]
                assert line, "tourbot run exited: " + "".join(log)[-2000:]
                log.append(line.decode())

        try:
            await log_line("serving telegram")
            lim = content / "event" / "hoi-lim.yaml"
            alias = "hội hát canh đêm"
            text = lim.read_text("utf-8")
            lim.write_text(text.replace("aliases: [", f'aliases: ["{alias}", ', 1), "utf-8")
            proc.send_signal(signal.SIGHUP)
            await log_line("content reloaded in the core process")
            telegram.push_message(502, alias, language_code="vi")
            (reply,) = await telegram.wait_for("sendMessage", timeout=30)
            assert "Hội Lim" in str(reply.params.get("text"))
        finally:
            if proc.returncode is None:
                # As systemd stops a service: SIGTERM to every process of the group. The
                # core process must leave its ending to the bot, which drains first.
                os.killpg(proc.pid, signal.SIGTERM)
            rest = await asyncio.wait_for(proc.stderr.read(), 30)
            await proc.wait()
        everything = "".join(log) + rest.decode()
        assert proc.returncode == 0, everything[-2000:]
        assert "core process" in everything and TELEGRAM_TOKEN not in everything  # INFO level
        assert "core process exited" not in everything  # it was stopped, not lost
