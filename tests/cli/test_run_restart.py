"""``tourbot run --channel zalo-bot,zalo-oa --webhook``: a channel whose start fails
(Zalo answering ``setWebhook`` 503) is started again, backing off, while the other one
answers; neither the failure nor the token ends up anywhere but in a WARNING line."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from tests.broadcast.helpers import until
from tests.fakes.zalo_bot_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_bot_api import FakeZaloBot
from tests.fakes.zalo_oa_api import FakeZaloOa

BOT_SECRET = "bot-webhook-secret-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def post_until_up(
    http: httpx.AsyncClient, url: str, raw: bytes, headers: dict[str, str]
) -> httpx.Response:
    for _ in range(300):
        try:
            return await http.post(url, content=raw, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


async def test_a_failing_channel_restarts_while_the_other_serves(tmp_path: Path) -> None:
    bot_port, oa_port = free_port(), free_port()
    async with FakeZaloBot() as zbot, FakeZaloOa() as oa:
        zbot.fail("setWebhook", 503, times=2, description="Service Unavailable")
        env = {
            **os.environ,
            "TOURBOT_ZALO_BOT_TOKEN": ZALO_TOKEN,
            "TOURBOT_ZALO_BOT_BASE_URL": zbot.base_url,
            "TOURBOT_ZALO_BOT_WEBHOOK_SECRET": BOT_SECRET,
            "TOURBOT_ZALO_BOT_WEBHOOK_URL": "https://bot.example.org/zalo/bot",
            "TOURBOT_ZALO_WEBHOOK_PORT": str(bot_port),
            **oa.run_env(oa_port),
            "TOURBOT_CORE_PROCESS": "0",
            "TOURBOT_DB": str(tmp_path / "run.sqlite3"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--channel", "zalo-bot,zalo-oa", "--webhook",
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            async with httpx.AsyncClient() as http:
                # While the Zalo Bot channel is refused, the OA channel answers.
                raw, headers = FakeZaloOa.sign(oa.text_event("oa-1", "Hội Lim ở đâu?"))
                url = f"http://127.0.0.1:{oa_port}/zalo/oa"
                answer = await post_until_up(http, url, raw, headers)
                assert answer.status_code == 200
                await oa.wait_sent(lambda s: s.user_id == "oa-1", within=30)
                assert not zbot.calls_of("setWebhook") or all(
                    c.status != 200 for c in zbot.calls_of("setWebhook")
                )
                # Then the Zalo Bot channel comes up: 1 s, then 2 s later.
                await zbot.wait_for("setWebhook", within=30)
                update = zbot.update("z-1", "Hội Lim ở đâu?")
                hook = f"http://127.0.0.1:{bot_port}/zalo/bot"
                ok = await http.post(
                    hook, json=update, headers={"X-Bot-Api-Secret-Token": BOT_SECRET}
                )
                assert ok.status_code == 200
                await until(lambda: bool(zbot.sent("z-1")), within=30)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(proc.communicate(), 30)
        log = err.decode()
        assert proc.returncode == 0, log[-2000:]
        failures = [line for line in log.splitlines() if "zalo-bot: channel failed" in line]
        assert len(failures) == 2, log[-2000:]
        assert "503" in failures[0] and "again in 1 s" in failures[0]
        assert "again in 2 s" in failures[1]
        assert ZALO_TOKEN not in log and ZALO_TOKEN.split(":")[1] not in log
