"""Deleting old rows a batch at a time: the question log and the votes on answers."""

from __future__ import annotations

import time

from bot.store.db import Db


def cutoff(now: float, days: int) -> str:
    """The UTC timestamp (the tables' text format) ``days`` before ``now``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - days * 86400))


async def delete_older(db: Db, table: str, column: str, before: str, batch: int) -> int:
    """Delete up to ``batch`` rows of ``table`` whose ``column`` is before ``before``,
    oldest first, so that one prune never holds the database for long; returns how many.
    ``table`` and ``column`` are this program's names, never input."""
    done = await db.write(
        f"DELETE FROM {table} WHERE id IN"
        f" (SELECT id FROM {table} WHERE {column} < ? ORDER BY {column} LIMIT ?)",
        (before, batch),
    )
    return done.rowcount
