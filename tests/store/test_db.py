"""The database file: migrations, users, subscriptions, forgetting, the question log."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest

from bot.store.db import connect, migrate
from bot.store.questions import Questions
from bot.store.staff import StaffStore
from bot.store.users import Users


async def test_migrations_are_idempotent(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "t.sqlite3")
    version = await migrate(conn.conn)
    assert version >= 1
    assert await migrate(conn.conn) == version
    await conn.close()
    conn = await connect(tmp_path / "t.sqlite3")  # reopening keeps data and version
    assert await migrate(conn.conn) == version
    await conn.close()


async def test_language_preference_and_forget(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "t.sqlite3")
    users, questions = Users(conn), Questions(conn)
    user = await users.touch("telegram", "7", "en")
    assert user.lang == "en" and not user.lang_explicit
    await users.set_lang("telegram", "7", "vi", explicit=True)
    await users.set_lang("telegram", "7", "en", explicit=False)  # a guess never overrides a choice
    again = await users.get("telegram", "7")
    assert again is not None and again.lang == "vi" and again.lang_explicit
    assert await users.subscribe("telegram", "7", "province:lang-son")
    assert not await users.subscribe("telegram", "7", "province:lang-son")
    await questions.record("telegram", "7", "gia vang hom nay", "vi", False, [])
    await questions.record("telegram", "8", "gia vang hom nay", "vi", False, [])
    assert await questions.top_unanswered(30) == [("gia vang hom nay", 2)]
    await users.forget("telegram", "7")
    assert await users.get("telegram", "7") is None
    assert await users.subscriptions("telegram", "7") == []
    assert await questions.top_unanswered(30) == [("gia vang hom nay", 1)]
    await conn.close()


async def test_blocked_user_loses_subscriptions(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "t.sqlite3")
    users = Users(conn)
    await users.touch("zalo-bot", "u1", None)
    await users.subscribe("zalo-bot", "u1", "all")
    await users.mark_blocked("zalo-bot", "u1")
    user = await users.get("zalo-bot", "u1")
    assert user is not None and user.blocked
    assert await users.subscriptions("zalo-bot", "u1") == []
    await conn.close()


async def test_a_write_that_met_a_lock_leaves_nothing_behind(tmp_path: Path) -> None:
    """The cause of a flaky 'database is locked': with Python's implicit transactions, a
    write refused by another connection's lock left a stale read transaction open, and
    every later write on that connection failed too. In autocommit mode the next try works."""
    path = tmp_path / "t.sqlite3"
    bot, other = await connect(path), await connect(path)
    try:
        await bot.conn.execute("PRAGMA busy_timeout=50")  # fail fast instead of waiting 5 s
        users = Users(bot)
        await users.touch("telegram", "1", "vi")
        async with other.tx() as conn:  # another process holds the write lock...
            await conn.execute("INSERT INTO users (channel, user_id) VALUES ('telegram', '2')")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await users.subscribe("telegram", "1", "all")
        # ...and has committed since: the refused write can simply be tried again.
        assert not bot.conn.in_transaction
        assert await users.subscribe("telegram", "1", "all")
        assert await users.subscriptions("telegram", "1") == ["all"]
        assert await Users(other).get("telegram", "2") is not None
    finally:
        await bot.close()
        await other.close()


async def test_two_connections_write_side_by_side(tmp_path: Path) -> None:
    """The bot's connection and the outbox's write at the same time without errors:
    short transactions on one, single statements on the other, all committed."""
    path = tmp_path / "t.sqlite3"
    bot, outbox = await connect(path), await connect(path)
    try:
        users, questions = Users(bot), Questions(bot)

        async def chat(n: int) -> None:
            await users.touch("telegram", str(n), "vi")
            await questions.record("telegram", str(n), f"cau hoi {n}", "vi", True, [])
            await users.subscribe("telegram", str(n), "all")

        async def leases() -> None:
            for n in range(100):
                async with outbox.tx() as conn:
                    await conn.execute(
                        "INSERT INTO outbox_workers (id, pid, host, started_at, heartbeat)"
                        " VALUES (?, 1, 'h', 0, 0)",
                        (f"w{n}",),
                    )
                    await conn.execute("UPDATE outbox_workers SET heartbeat = ?", (n,))

        await asyncio.gather(leases(), *(chat(n) for n in range(200)))
        row = await outbox.one("SELECT COUNT(*), (SELECT COUNT(*) FROM questions) FROM users")
        assert row is not None and (row[0], row[1]) == (200, 200)
        workers = await bot.one("SELECT COUNT(*), MIN(heartbeat) FROM outbox_workers")
        assert workers is not None and (workers[0], workers[1]) == (100, 99)
    finally:
        await bot.close()
        await outbox.close()


async def test_staff_drafts_survive_a_restart_and_visitors_cost_no_query(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    first = await connect(path)
    await StaffStore(first).save_draft("telegram", "9", '{"step": "text"}')
    await first.close()

    db = await connect(path)  # a restarted bot
    try:
        store = StaffStore(db)
        assert await store.draft("telegram", "9") == '{"step": "text"}'
        statements: list[str] = []
        await db.conn.set_trace_callback(statements.append)
        assert await store.draft("telegram", "visitor") is None
        assert statements == []  # known to have no draft: no database round trip
        assert await store.drop_draft("telegram", "9")
        assert await store.draft("telegram", "9") is None
        assert await StaffStore(db).draft("telegram", "9") is None  # gone from the file too
    finally:
        await db.close()


async def test_a_statement_never_lands_inside_anothers_transaction(tmp_path: Path) -> None:
    db = await connect(tmp_path / "t.sqlite3")
    try:
        users = Users(db)
        inside = asyncio.Event()

        async def doomed() -> None:
            async with db.tx() as conn:
                await conn.execute("INSERT INTO users (channel, user_id) VALUES ('t', 'doomed')")
                inside.set()
                await asyncio.sleep(0.05)  # others run meanwhile
                raise RuntimeError("rolled back")

        task = asyncio.create_task(doomed())
        await inside.wait()
        await users.touch("t", "kept", "vi")  # issued while the transaction is open
        with pytest.raises(RuntimeError):
            await task
        assert await users.get("t", "kept") is not None  # not undone by the rollback
        assert await users.get("t", "doomed") is None
    finally:
        await db.close()


async def test_inline_reads_see_what_the_connection_committed(tmp_path: Path) -> None:
    for path in (tmp_path / "t.sqlite3", ":memory:"):  # in memory: no second connection
        db = await connect(path)
        try:
            await db.write("INSERT INTO meta (key, value) VALUES ('k', 'v1')")
            assert [
                tuple(r) for r in await db.all_inline("SELECT value FROM meta WHERE key = 'k'")
            ] == [("v1",)]
            await db.write("UPDATE meta SET value = 'v2'")
            assert [
                tuple(r) for r in await db.all_inline("SELECT value FROM meta WHERE key = 'k'")
            ] == [("v2",)]
        finally:
            await db.close()


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}


async def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, with which it was 0644
    try:
        db = await connect(tmp_path / "new" / "t.sqlite3")
        try:
            await db.write("INSERT INTO meta (key, value) VALUES ('k', 'v')")
            modes = _modes(tmp_path / "new")
        finally:
            await db.close()
    finally:
        os.umask(previous)
    assert modes["t.sqlite3"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes  # -wal and -shm alike
