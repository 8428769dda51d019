"""The SQLite database: opening, pragmas, schema migrations (one .sql file per change),
and ``Db``, the one way the repositories use a connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

Params = Sequence[Any] | Mapping[str, Any]  # positional (?) or named (:name)

log = logging.getLogger(__name__)
# aiosqlite logs every operation at DEBUG level with its parameters: what visitors wrote,
# their ids. Never that, whatever level the rest of the program logs at.
logging.getLogger("aiosqlite").setLevel(logging.INFO)


def _migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file in ``bot/store/migrations``, in order."""
    out = []
    for entry in resources.files("bot.store.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Written:
    """What a write statement did."""

    rowcount: int
    lastrowid: int | None


class Db:
    """One aiosqlite connection in autocommit mode, used by one operation at a time.

    - A single statement (``all``, ``one``, ``write``) is one hop to aiosqlite's thread,
      and its own transaction: results are fetched in that hop, so no half-read cursor
      keeps a read snapshot open while other coroutines write.
    - Several statements that must stand or fall together go in ``tx()``. The lock keeps
      every other use of this connection out until it commits, so nobody's statement
      lands inside somebody else's transaction, or is undone by its rollback.
    - A single statement does not take the lock: it only waits while a transaction
      runs, and then all waiting statements go at once. aiosqlite queues a statement
      before the first suspension point of the call, so it runs before any transaction
      begun later. Taking the lock for every statement serialised all chats on the
      event loop's latency: each statement waited until the busy loop had noticed the
      end of the previous one (bench/telegram_e2e.py burst: ~250 updates/s with the
      lock on every statement, 370-500 without).

    Autocommit matters: with Python's implicit transactions, a write that met "database
    is locked" left a stale read transaction open, and every retry failed the same way.
    Now a failed statement leaves nothing behind, and busy_timeout does the waiting.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()  # one transaction (or run of reads) at a time
        self._free = asyncio.Event()  # cleared while a transaction runs
        self._free.set()
        self._path = path  # None for an in-memory database: no second connection to it
        self._reader: sqlite3.Connection | None = None

    async def all_inline(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """A short read run here, on the event loop's thread, by a read-only connection.

        Only for the full-text queries of every question (about 0.1 ms each). When the
        loop is busy, a hop to aiosqlite's thread costs more than that in hand-offs of
        Python's GIL (bench/telegram_e2e.py), and in WAL mode a reader does not wait
        for writers, so the loop is not blocked behind another connection's lock.
        """
        if self._path is None:
            return await self.all(sql, params)
        if self._reader is None:
            self._reader = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)
            self._reader.row_factory = sqlite3.Row
            self._reader.execute("PRAGMA busy_timeout=200")
        return self._reader.execute(sql, params).fetchall()

    async def _after_transaction(self) -> None:
        while not self._free.is_set():
            await self._free.wait()

    async def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        if not self._free.is_set():
            await self._after_transaction()
        return list(await self.conn.execute_fetchall(sql, params))

    async def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def write(self, sql: str, params: Params = ()) -> Written:
        """Run one write statement (committed when it returns)."""
        if not self._free.is_set():
            await self._after_transaction()
        cur = await self.conn.execute(sql, params)
        return Written(cur.rowcount, cur.lastrowid)

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction, taking the database write lock at once (no upgrade races)."""
        async with self._lock:
            self._free.clear()
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                await self.conn.commit()
            except BaseException:
                # Also after a cancellation: the BEGIN may still run on aiosqlite's thread,
                # and the rollback queued behind it closes the transaction for the next user.
                await asyncio.shield(self.conn.rollback())
                raise
            finally:
                self._free.set()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection to itself, for several reads in a row."""
        async with self._lock:
            yield self.conn

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        await self.conn.close()


async def connect(path: Path | str) -> Db:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    file = None if str(path) == ":memory:" else Path(path)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        # The file is a secret (Zalo OA tokens, who wrote what): readable by its owner
        # only. SQLite gives its -wal and -shm files the same mode. Only a new file is
        # opened here: closing a descriptor of a file releases every POSIX lock this
        # process holds on it, SQLite's included, and another process then takes itself
        # for the last connection and deletes the write-ahead log that this one still
        # writes to (sqlite.org/howtocorrupt.html, 2.2).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    # isolation_level=None: autocommit; transactions are only the explicit ones of Db.tx.
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    conn.row_factory = aiosqlite.Row
    # WAL lets the CLI write (announcements) while a running bot reads; busy_timeout makes
    # the two processes wait for each other instead of failing.
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA busy_timeout=5000")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not left in free space: /forget means it.
    await conn.execute("PRAGMA secure_delete=ON")
    try:
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return Db(conn, file)


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
