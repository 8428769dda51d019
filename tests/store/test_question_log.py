"""The question log: grouping in SQL for /stats (more rows: bench/stats_lag.py), retention."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from bot.broadcast.stats import collect, group_questions, since_iso
from bot.store.db import connect
from bot.store.questions import Questions
from bot.store.reports import Reports

ASKED = [
    ("le hoi lim khi nao", True),
    ("khi nao le hoi lim", False),
    ("hoi lim khi nao", False),
    ("le hoi lim khi nao", False),
    ("chua but thap o dau", True),
    ("chua but thap o dau", True),
    ("o dau chua but thap", False),
    ("gia ve tham quan", False),
    ("gia ve tham quan", False),
    ("gia ve tham quan", False),
    ("an gi o bac giang", True),
]


def _insert_raw(path: Path, rows: list[tuple[str, str, int]]) -> None:
    """(asked_at, folded, answered) rows as logged before keys were stored (qkey NULL)."""
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO questions (asked_at, channel, user_id, folded, lang, answered)"
            " VALUES (?, 'telegram', '1', ?, 'vi', ?)",
            rows,
        )


async def test_sql_grouping_matches_the_python_grouping(tmp_path: Path) -> None:
    db = await connect(tmp_path / "q.sqlite3")
    try:
        questions, reports = Questions(db), Reports(db)
        for folded, answered in ASKED:
            await questions.record("telegram", "1", folded, "vi", answered, [])
        # Older rows without a stored key are keyed on first use.
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        await asyncio.to_thread(
            _insert_raw, tmp_path / "q.sqlite3", [(now, "lim hoi le khi nao", 0)] * 2
        )
        since = since_iso(time.time(), 7)
        rows = await reports.questions(since)
        for unanswered in (False, True):
            expected = group_questions(rows, unanswered_only=unanswered)
            got = await reports.question_groups(since, unanswered_only=unanswered)
            assert got == expected
            limited = await reports.question_groups(since, unanswered_only=unanswered, limit=2)
            assert limited == expected[:2]
        lim = (await reports.question_groups(since))[0]
        assert (lim.label, lim.asked, lim.unanswered) == ("le hoi lim khi nao", 5, 4)
        assert lim.examples[:2] == ("le hoi lim khi nao", "lim hoi le khi nao")
    finally:
        await db.close()


async def test_old_questions_are_pruned_as_new_ones_are_logged(tmp_path: Path) -> None:
    db = await connect(tmp_path / "q.sqlite3")
    try:
        _insert_raw(
            tmp_path / "q.sqlite3",
            [
                ("2020-01-01T00:00:00Z", "rat cu", 0),
                (since_iso(time.time(), 31), "hon mot thang", 0),
                (since_iso(time.time(), 29), "duoi mot thang", 0),
            ],
        )
        await Questions(db, retention_days=30).record("telegram", "2", "moi", "vi", True, [])
        rows = await db.all("SELECT folded FROM questions ORDER BY asked_at")
        assert [r[0] for r in rows] == ["duoi mot thang", "moi"]
        # 0 keeps everything.
        _insert_raw(tmp_path / "q.sqlite3", [("2020-01-01T00:00:00Z", "rat cu", 0)])
        await Questions(db, retention_days=0).record("telegram", "2", "moi", "vi", True, [])
        assert len(await db.all("SELECT 1 FROM questions")) == 4
    finally:
        await db.close()


async def test_stats_on_a_big_log_leave_the_loop_free(tmp_path: Path) -> None:
    """20,000 distinct questions: grouped on the loop, they held it ~0.2 s at once."""
    path = tmp_path / "q.sqlite3"
    db = await connect(path)
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        rows = [(now, f"duong den chua so {n} o bac giang {n % 97}", n % 3) for n in range(20_000)]
        await asyncio.to_thread(_insert_raw, path, rows)
        gaps: list[float] = []

        async def ticker() -> None:
            last = time.perf_counter()
            for _ in range(10_000):  # bounded; cancelled long before
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.02)
        try:
            stats = await collect(Reports(db), time.time(), 7, "Asia/Ho_Chi_Minh")
            await asyncio.sleep(0.05)  # the ticker records the last gap
        finally:
            task.cancel()
        assert stats.top_questions and stats.top_questions[0].asked == 1
        assert max(gaps) < 0.1, f"the loop stalled {max(gaps):.2f} s"
    finally:
        await db.close()
