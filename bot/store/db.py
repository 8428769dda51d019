"""The SQLite database: opening, pragmas and schema migrations (one .sql file per change)."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)


def _migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file in ``bot/store/migrations``, in order."""
    out = []
    for entry in resources.files("bot.store.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(out)


async def connect(path: Path | str) -> aiosqlite.Connection:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path))
    conn.row_factory = aiosqlite.Row
    # WAL lets the CLI write (announcements) while a running bot reads; busy_timeout makes
    # the two processes wait for each other instead of failing.
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA busy_timeout=5000")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")
    await migrate(conn)
    return conn


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply migrations newer than ``PRAGMA user_version``; return the new version."""
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    for version, sql in _migrations():
        if version <= current:
            continue
        log.info("applying migration %04d", version)
        # executescript commits first; the version bump is part of the same script.
        await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version={version};\nCOMMIT;")
        current = version
    return current
