"""How long /stats holds the event loop on a big question log: the grouping in SQL
(``Reports.question_groups``, what /stats and ``tourbot report`` run) against the Python
grouping it replaced (``group_questions`` over ``Reports.questions``, kept as the baseline
and as the tests' reference), in the same run. A ticker task measures the longest gap
between its 5 ms ticks.

    python bench/stats_lag.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.broadcast.stats import group_questions, since_iso
from bot.store.db import connect
from bot.store.reports import Reports
from bot.text.question_key import question_key

WORDS = "le hoi chua den dinh lang tour gia ve duong di bao lau o dau khi nao an gi".split()


def _fill(path: Path, rows: int) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data = []
    for n in range(rows):
        words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(6)] + [f"so{n}"]
        folded = " ".join(words)
        data.append((now, folded, question_key(folded), n % 3))
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO questions (asked_at, channel, user_id, folded, qkey, lang, answered)"
            " VALUES (?, 'telegram', '1', ?, ?, 'vi', ?)",
            data,
        )


async def _lag(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(longest loop gap, total seconds) while ``work`` runs."""
    gaps = [0.0]

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    start = time.perf_counter()
    await work()
    total = time.perf_counter() - start
    await asyncio.sleep(0.05)  # let the ticker see the last gap
    task.cancel()
    return max(gaps), total


async def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await connect(path)
        await asyncio.to_thread(_fill, path, rows)
        reports = Reports(db)
        since = since_iso(time.time(), 30)

        async def sql() -> object:
            await reports.question_groups(since, limit=10)
            return await reports.question_groups(since, unanswered_only=True, limit=10)

        async def python() -> object:
            found = await reports.questions(since)
            group_questions(found)
            return group_questions(found, unanswered_only=True)

        results = {}
        for name, work in (("sql", sql), ("python", python)):
            lag, total = await _lag(work)
            results[name] = {"max_loop_gap_s": round(lag, 3), "total_s": round(total, 2)}
        await db.close()
    print(json.dumps({"rows": rows, **results}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    asyncio.run(main(parser.parse_args().rows))
