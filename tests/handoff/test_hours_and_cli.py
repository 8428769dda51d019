"""Staff hours, and ``tourbot handoff list|show|close``."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.handoff.hours import HoursError, StaffHours
from bot.store.db import connect
from bot.store.handoffs import Handoffs

ZONE = "Asia/Ho_Chi_Minh"


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE)).timestamp()


def test_hours_open_closed_and_next_opening() -> None:
    hours = StaffHours.parse("08:00-17:00", "mon-fri", ZONE)
    assert hours.is_open(at("2026-12-02 09:30"))  # a Wednesday
    assert not hours.is_open(at("2026-12-02 17:00"))
    assert hours.next_opening(at("2026-12-02 17:30")) == dt.datetime(
        2026, 12, 3, 8, 0, tzinfo=ZoneInfo(ZONE)
    )
    # Friday evening: Monday morning.
    assert hours.next_opening(at("2026-12-04 18:00")).date() == dt.date(2026, 12, 7)
    assert hours.next_opening(at("2026-12-07 07:00")).hour == 8
    weekend = StaffHours.parse("9:00-11:30", "sat,sun", ZONE)
    assert weekend.is_open(at("2026-12-05 10:00")) and not weekend.is_open(at("2026-12-04 10:00"))
    assert StaffHours.parse("08:00-17:00", "fri-mon", ZONE).days == frozenset({5, 6, 7, 1})


@pytest.mark.parametrize(
    ("hours", "days"),
    [("8-17", "mon-fri"), ("17:00-08:00", "mon-fri"), ("08:00-25:00", "mon"), ("08:00-17:00", "")],
)
def test_bad_hours_name_the_setting(hours: str, days: str) -> None:
    with pytest.raises(HoursError, match="TOURBOT_STAFF_"):
        StaffHours.parse(hours, days, ZONE)


def test_cli_lists_shows_and_closes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "h.sqlite3"

    async def seed() -> None:
        db = await connect(path)
        try:
            handoffs = Handoffs(db)
            now = time.time()
            handoff, _new = await handoffs.open("zalo-oa", "u9", "en", "Is Hội Lim free?", "", now)
            await handoffs.add(handoff.id, "in", "hello?", now + 1)
        finally:
            await db.close()

    asyncio.run(seed())
    db = ["--db", str(path)]
    assert main([*db, "handoff", "list"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("last 30 days: Conversations with staff: 1 (1 waiting, 0 with staff")
    assert "open" in listing and "zalo-oa" in listing and "Is Hội Lim free?" in listing
    assert main([*db, "handoff", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "👤 [pending] hello?" in shown
    assert main([*db, "handoff", "close", "1"]) == 0
    assert "closed" in capsys.readouterr().out
    assert main([*db, "handoff", "close", "1"]) == 1
    assert "closed already" in capsys.readouterr().err
    assert main([*db, "handoff", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith("\nno open conversations")
    assert main([*db, "handoff", "show", "1"]) == 0
    shown = capsys.readouterr().out
    # The visitor's notice (in their language) waits for `tourbot run` to send it.
    assert "💬 [pending] The conversation with the tourism office staff has ended" in shown
    assert main([*db, "handoff", "show", "7"]) == 1
