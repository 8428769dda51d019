"""The Zalo repositories and their migration, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import aiosqlite
import pytest

from bot.store.db import Db, connect
from bot.store.zalo import NumberedOptions, OaInteractions, SeenMessages

ZALO_TABLES = {"zalo_oa_tokens", "zalo_seen", "zalo_options", "zalo_oa_interactions"}


def migration(suffix: str) -> tuple[int, str]:
    """(number, SQL) of the migration file named ``NNNN<suffix>``."""
    for entry in resources.files("bot.store.migrations").iterdir():
        if entry.name.endswith(suffix) and entry.name[:4].isdigit():
            return int(entry.name[:4]), entry.read_text(encoding="utf-8")
    raise AssertionError(f"no migration *{suffix}")


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[Db]:
    connection = await connect(tmp_path / "zalo.sqlite3")
    yield connection
    await connection.close()


async def tables(conn: Db) -> set[str]:
    rows = await conn.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_migration_needs_nothing_but_the_first_one(tmp_path: Path) -> None:
    # Applied right after 0001 (its tables need nothing else) and again (idempotent).
    async with aiosqlite.connect(tmp_path / "bare.sqlite3") as conn:
        await conn.executescript(migration("_init.sql")[1])
        await conn.executescript(migration("_zalo.sql")[1])
        await conn.executescript(migration("_zalo.sql")[1])
        assert await tables(conn) >= ZALO_TABLES


async def test_connect_applies_it(conn: Db) -> None:
    assert await tables(conn.conn) >= ZALO_TABLES
    row = await conn.one("PRAGMA user_version")
    assert row is not None and row[0] >= 2


async def test_seen_ids_are_per_channel_and_pruned(conn: Db) -> None:
    seen = SeenMessages(conn)
    assert await seen.add("zalo-bot", "m1", now=100.0)
    assert not await seen.add("zalo-bot", "m1", now=200.0)
    assert await seen.add("zalo-oa", "m1", now=100.0)
    assert await seen.add("zalo-bot", "m2", now=300.0)
    assert await seen.prune("zalo-bot", before=250.0) == 1
    assert await seen.add("zalo-bot", "m1", now=400.0)  # forgotten after the window
    assert not await seen.add("zalo-bot", "m2", now=400.0)


async def test_numbered_options_expire_and_are_replaced(conn: Db) -> None:
    options = NumberedOptions(conn)
    await options.save("zalo-bot", "u1", ["a", "b"], now=100.0)
    assert await options.load("zalo-bot", "u1", newer_than=50.0) == ["a", "b"]
    assert await options.load("zalo-bot", "u1", newer_than=150.0) == []
    assert await options.load("zalo-oa", "u1", newer_than=50.0) == []
    await options.save("zalo-bot", "u1", ["c"], now=200.0)
    assert await options.load("zalo-bot", "u1", newer_than=50.0) == ["c"]
    await options.save("zalo-bot", "u1", [], now=300.0)
    assert await options.load("zalo-bot", "u1", newer_than=0.0) == []


async def test_last_interaction_only_moves_forward(conn: Db) -> None:
    interactions = OaInteractions(conn)
    assert await interactions.last("u1") is None
    await interactions.touch("u1", 200.0)
    await interactions.touch("u1", 100.0)  # a late, older event
    assert await interactions.last("u1") == 200.0
