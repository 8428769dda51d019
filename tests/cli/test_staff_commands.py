"""``tourbot announce|staff|report``: the same database as the bot; a running worker picks
a new announcement up within seconds."""

from __future__ import annotations

import asyncio
import csv
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_DIR
from bot.store.db import connect
from bot.store.questions import Questions
from bot.store.users import Users
from tests.broadcast.helpers import running, until, wired
from tests.fakes.telegram_api import FakeTelegram

CONTENT = str(PROJECT_DIR / "content")


async def _setup(db: Path) -> None:
    conn = await connect(db)
    users, questions = Users(conn), Questions(conn)
    for ident, topic, lang in [
        ("1", "province:lang-son", "vi"),
        ("2", "province:lang-son", "vi"),
        ("3", "province:lang-son", "en"),
        ("4", "province:bac-ninh", "vi"),
    ]:
        await users.touch("telegram", ident, lang)
        await users.subscribe("telegram", ident, topic)
    for folded in ("gia ve cap treo yen tu", "cap treo yen tu gia ve", "gia ve cap treo yen tu"):
        await questions.record("telegram", "1", folded, "vi", False, [])
    await conn.close()


def tourbot(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--content", CONTENT, *args])


def test_announce_list_show_cancel_staff_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    db = tmp_path / "t.sqlite3"
    asyncio.run(_setup(db))
    vi, en = tmp_path / "vi.txt", tmp_path / "en.txt"
    vi.write_text("Chợ phiên Đồng Đăng mở cửa\n", encoding="utf-8")
    en.write_text("Dong Dang market is open\n", encoding="utf-8")

    args = ["--vi", str(vi), "--en", str(en), "--audience", "province:lang-son"]
    assert tourbot(db, "announce", *args, "--at", "2099-12-01 09:00") == 0
    out = capsys.readouterr().out
    assert "Recipients now: 3 (vi 2, en 1)" in out
    assert "📢 Thông báo\n\nChợ phiên Đồng Đăng mở cửa" in out
    assert "announcement #1 scheduled for 2099-12-01 09:00" in out

    assert tourbot(db, "announce", "--vi", str(vi), "--audience", "all", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "warning: no English text" in out and "queued" not in out
    assert tourbot(db, "announce", "--vi", str(vi), "--audience", "province:atlantis") == 2
    assert "unknown audience 'province:atlantis'" in capsys.readouterr().err

    assert tourbot(db, "announce", "list") == 0
    [_header, row] = capsys.readouterr().out.strip().splitlines()
    assert row.split()[:3] == ["1", "announcement", "scheduled"]
    assert tourbot(db, "announce", "show", "1") == 0
    assert "Status: scheduled for 2099-12-01 09:00." in capsys.readouterr().out
    assert tourbot(db, "announce", "cancel", "1") == 0
    assert tourbot(db, "announce", "cancel", "1") == 1
    capsys.readouterr()

    assert tourbot(db, "staff", "add", "4242") == 0
    assert tourbot(db, "staff", "list") == 0
    assert "telegram:4242  added by cli:" in capsys.readouterr().out
    assert tourbot(db, "staff", "audit") == 0
    audit = capsys.readouterr().out
    assert "staff.add  telegram:4242" in audit and "announce.cancel  #1" in audit

    report = tmp_path / "unanswered.csv"
    assert tourbot(db, "report", "unanswered", "--days", "30", "--csv", str(report)) == 0
    with report.open(encoding="utf-8") as fp:
        rows = list(csv.reader(fp))
    assert rows[0][:3] == ["question", "times_unanswered", "variants"]
    assert rows[1][:3] == ["gia ve cap treo yen tu", "3", "2"]


async def test_a_running_worker_sends_what_the_command_line_queued(
    tmp_path: Path,
    fake: FakeTelegram,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    text = tmp_path / "en.txt"
    text.write_text("Tour news", encoding="utf-8")
    async with wired(tmp_path, fake) as w:
        await w.add_users(range(100, 140), lang="en")
        async with running(w.worker(rate=40.0)):
            db = w.bc.settings.db
            code = await asyncio.to_thread(
                tourbot, db, "announce", "--en", str(text), "--audience", "all"
            )
            assert code == 0
            queued = time.perf_counter()  # the fake stamps calls with perf_counter
            follow = asyncio.to_thread(tourbot, db, "announce", "show", "1", "--follow")
            assert await follow == 0
            await until(lambda: len(w.delivered()) == 40)
        first = min(c.time for c in w.delivered())
        assert first - queued < 3.0  # picked up within seconds (the worker polls)
        out = capsys.readouterr().out
        assert "announcement #1 queued for 40 recipients" in out
        assert "#1 done" in out and "40/40" in out  # the follow bar's last line
