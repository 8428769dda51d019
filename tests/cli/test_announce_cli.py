"""``tourbot announce``: who gets what before anything is queued, strict audiences, and
``show --follow`` that ends even when nothing is sending."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_DIR
from bot.store.db import connect
from bot.store.users import Users


async def _subscribers(db: Path) -> None:
    conn = await connect(db)
    users = Users(conn)
    for ident, lang in [("1", "vi"), ("2", "vi"), ("3", "en")]:
        await users.touch("telegram", ident, lang)
        await users.subscribe("telegram", ident, "province:lang-son")
    await conn.close()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    path = tmp_path / "a.sqlite3"
    asyncio.run(_subscribers(path))
    (tmp_path / "vi.txt").write_text("Chợ phiên Đồng Đăng mở cửa\n", encoding="utf-8")
    return path


def announce(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--content", str(PROJECT_DIR / "content"), "announce", *args])


def test_everyone_is_not_an_audience_here(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert announce(db, "--vi", "vi.txt", "--audience", "everyone", "--dry-run") == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "tourbot: error: unknown audience 'everyone' (all, province:ID, event:ID, tag:TAG)"
    )


def test_counts_and_who_reads_which_text_before_queuing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert announce(db, "--vi", "vi.txt", "--audience", "province:lang-son", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Recipients now: 3 (vi 2, en 1)" in out
    assert "warning: no English text: the 1 English reader(s) get the Vietnamese text" in out
    assert "English readers (1): the Vietnamese text" in out
    assert "nobody" not in out


def test_zero_recipients_are_warned_about(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert announce(db, "--vi", "vi.txt", "--audience", "province:nghe-an", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Recipients now: 0 (vi 0, en 0)" in out
    assert "warning: nobody would receive it now" in out


def test_follow_ends_when_nothing_is_sending(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert announce(db, "--vi", "vi.txt", "--audience", "all") == 0
    assert "queued for 3 recipients" in capsys.readouterr().out
    assert announce(db, "show", "1", "--follow", "--idle", "0.5") == 1
    captured = capsys.readouterr()
    assert "0/3" in captured.out
    assert "no `tourbot run` seems to be sending" in captured.err


def test_follow_of_a_scheduled_announcement_ends_at_once(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--vi", "vi.txt", "--audience", "all", "--at", "2099-12-01 09:00")
    assert announce(db, *args) == 0
    capsys.readouterr()
    assert announce(db, "show", "1", "--follow") == 0
    assert "#1 is scheduled: nothing is sent before it is due" in capsys.readouterr().out
