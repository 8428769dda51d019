"""The database file: migrations, users, subscriptions, forgetting, the question log."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import connect, migrate
from bot.store.questions import Questions
from bot.store.users import Users


async def test_migrations_are_idempotent(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "t.sqlite3")
    version = await migrate(conn)
    assert version >= 1
    assert await migrate(conn) == version
    await conn.close()
    conn = await connect(tmp_path / "t.sqlite3")  # reopening keeps data and version
    assert await migrate(conn) == version
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
