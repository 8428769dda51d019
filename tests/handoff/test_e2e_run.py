"""``tourbot run --channel telegram,zalo-oa`` with a staff chat, end to end: a Zalo OA
visitor and a Telegram visitor each ask for a person; staff in the fake supergroup take,
answer and close; outsiders are refused; the process is killed with SIGKILL while
messages wait in both directions, and after a restart every one arrives, in order."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import PROJECT_DIR
from tests.broadcast.helpers import until
from tests.cli.test_run_restart import free_port, post_until_up
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.fakes.zalo_oa_api import FakeZaloOa
from tests.handoff.conftest import MEMBER, STAFF, STAFF_CHAT, callback_datas, in_chat, text

pytestmark = pytest.mark.usefixtures("catalogs")

OA_VISITOR, TG_VISITOR = "oa-77", 801


def environment(tmp_path: Path, fake: FakeTelegram, oa: FakeZaloOa, oa_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "TOURBOT_DB": str(tmp_path / "run.sqlite3"),
        "TOURBOT_CONTENT": str(PROJECT_DIR / "content"),
        "TOURBOT_DEFAULT_LANG": "vi",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TOURBOT_TELEGRAM_BASE_URL": fake.base_url,
        "TOURBOT_STAFF_CHAT_ID": str(STAFF_CHAT),
        "TOURBOT_STAFF_IDS": str(STAFF),
        "TOURBOT_STAFF_HOURS": "00:00-23:59",
        "TOURBOT_STAFF_DAYS": "mon-sun",
        **oa.run_env(oa_port),
        "NO_PROXY": "127.0.0.1,localhost",
    }


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--channel", "telegram,zalo-oa",
        cwd=cwd, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def pending(db: Path, direction: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT text FROM handoff_messages WHERE status = 'pending' AND direction = ?"
            " ORDER BY id",
            (direction,),
        ).fetchall()
    return [r[0] for r in rows]


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (tourbot run's core process)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def confirmed(fake: FakeTelegram, update_id: int) -> bool:
    """Whether the bot has told Telegram it has the update (a later getUpdates offset)."""
    return any(int(c.params.get("offset") or 0) > update_id for c in fake.calls_of("getUpdates"))


def inbox(db: Path) -> int:
    """Telegram updates received and not handled yet."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM telegram_inbox").fetchone()[0])


def cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def topic_of(fake: FakeTelegram, channel: str) -> int:
    (card,) = [
        c
        for c in fake.calls_of("sendMessage")
        if c.chat_id == STAFF_CHAT and callback_datas(c) and f"trên {channel}" in text(c)
    ]
    return int(card.params["message_thread_id"])


def oa_texts(oa: FakeZaloOa, contains: str) -> Callable[[Any], bool]:
    return lambda s: s.user_id == OA_VISITOR and contains in s.text


async def test_two_channels_staff_chat_and_a_kill_9(tmp_path: Path) -> None:
    oa_port = free_port()
    async with FakeTelegram() as fake, FakeZaloOa() as oa, httpx.AsyncClient() as http:
        env = environment(tmp_path, fake, oa, oa_port)
        hook = f"http://127.0.0.1:{oa_port}/zalo/oa"

        async def oa_says(words: str) -> None:
            raw, headers = FakeZaloOa.sign(oa.text_event(OA_VISITOR, words))
            assert (await post_until_up(http, hook, raw, headers)).status_code == 200

        proc = await start(env, tmp_path)
        try:
            await fake.wait_for("getUpdates", timeout=60)
            # Both visitors ask for a person.
            await oa_says("cho tôi gặp nhân viên")
            await oa.wait_sent(oa_texts(oa, "cán bộ phòng du lịch"), within=30)
            fake.push_message(TG_VISITOR, "talk to a person please")
            await fake.wait_for(
                "sendMessage", in_chat(TG_VISITOR, "tourism office staff"), timeout=10
            )
            await fake.wait_for(
                "sendMessage",
                lambda c: c.chat_id == STAFF_CHAT and bool(callback_datas(c)),
                count=2,
            )
            oa_topic, tg_topic = topic_of(fake, "Zalo OA"), topic_of(fake, "Telegram")

            # A group member who is not staff, and a visitor forging the buttons: refused.
            fake.push_callback(MEMBER, "hc:1", chat_id=STAFF_CHAT, thread_id=oa_topic)
            await fake.wait_for("answerCallbackQuery", lambda c: "chỉ cán bộ" in c.text)
            fake.push_callback(TG_VISITOR, "hx:1")
            fake.push_callback(TG_VISITOR, "hc:1")
            await fake.wait_for("answerCallbackQuery", count=3)

            # Staff take the Zalo OA visitor and answer; the visitor's messages reach the topic.
            fake.push_callback(STAFF, "hc:1", chat_id=STAFF_CHAT, thread_id=oa_topic)
            await oa.wait_sent(oa_texts(oa, "đã tham gia"), within=10)
            fake.push_message(
                STAFF, "Xin chào, tôi giúp gì được?", chat_id=STAFF_CHAT, thread_id=oa_topic
            )
            await oa.wait_sent(
                oa_texts(oa, "Phòng du lịch: Xin chào, tôi giúp gì được?"), within=10
            )
            await oa_says("Hội Lim năm nay khi nào?")
            await fake.wait_for(
                "sendMessage", in_chat(STAFF_CHAT, "👤 Hội Lim năm nay khi nào?", oa_topic)
            )
            assert not [s for s in oa.sent if s.user_id == OA_VISITOR and "Lim" in s.text]

            # Both platforms fail; messages wait in both directions; the process is killed.
            oa.down()
            fake.outage(600)
            for words in ("Vé bao nhiêu?", "Có chỗ gửi xe không?"):
                fake.push_message(STAFF, words, chat_id=STAFF_CHAT, thread_id=oa_topic)
            for words in ("one", "two", "three"):
                fake.push_message(TG_VISITOR, words)
            db = tmp_path / "run.sqlite3"
            await until(
                lambda: len(pending(db, "out")) == 2 and len(pending(db, "in")) == 3, within=20
            )
            # And a visitor's message Zalo was told we got (200) while the core process that
            # would handle it hangs: the kill catches it before it became a row.
            (core,) = [c for c in children(proc.pid) if b"spawn_main" in cmdline(c)]
            os.kill(core, signal.SIGSTOP)
            await oa_says("Tôi đi xe máy được không?")
            # And a staff message Telegram has handed over (the next poll confirmed it).
            update_id = fake.push_message(STAFF, "Được ạ.", chat_id=STAFF_CHAT, thread_id=oa_topic)
            await until(lambda: inbox(db) == 1 and confirmed(fake, update_id))
        finally:
            for pid in children(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        assert len(pending(db, "out")) == 2 and len(pending(db, "in")) == 3

        oa.down(False)
        fake.outage(0)
        proc = await start(env, tmp_path)
        try:
            replies = await oa.wait_sent(oa_texts(oa, "Phòng du lịch: "), count=4, within=60)
            assert [s.text for s in replies][1:] == [
                "Phòng du lịch: Vé bao nhiêu?",
                "Phòng du lịch: Có chỗ gửi xe không?",
                "Phòng du lịch: Được ạ.",
            ]
            relayed = await fake.wait_for(
                "sendMessage",
                lambda c: c.status == 200 and in_chat(STAFF_CHAT, "👤", tg_topic)(c),
                count=3,
                timeout=60,
            )
            assert [text(c) for c in relayed] == ["👤 one", "👤 two", "👤 three"]
            await fake.wait_for(
                "sendMessage",
                lambda c: (
                    c.status == 200
                    and in_chat(STAFF_CHAT, "👤 Tôi đi xe máy được không?", oa_topic)(c)
                ),
                timeout=30,
            )
            await until(lambda: pending(db, "out") == [] and pending(db, "in") == [])

            # Staff close the Zalo OA conversation: the bot answers that visitor again.
            fake.push_callback(STAFF, "hx:1", chat_id=STAFF_CHAT, thread_id=oa_topic)
            await oa.wait_sent(oa_texts(oa, "đã kết thúc"), within=10)
            await oa_says("Hội Lim tổ chức khi nào?")
            await oa.wait_sent(oa_texts(oa, "Lim"), within=10)  # the bot's answer

            # The Telegram visitor: staff answer without pressing Take, then /close.
            fake.push_message(STAFF, "Hi! How can I help?", chat_id=STAFF_CHAT, thread_id=tg_topic)
            await fake.wait_for(
                "sendMessage", in_chat(TG_VISITOR, "Tourism office: Hi! How can I help?")
            )
            fake.push_command(STAFF, "close", chat_id=STAFF_CHAT, thread_id=tg_topic)
            await fake.wait_for("sendMessage", in_chat(TG_VISITOR, "has ended"))
            fake.push_message(TG_VISITOR, "When is the Lim festival?")
            await fake.wait_for("sendMessage", in_chat(TG_VISITOR, "Lim"), timeout=10)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 30) == 0
