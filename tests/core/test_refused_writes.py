"""A database that refuses writes (another process holds the write lock) still answers."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.app import App
from bot.core.models import Inbound


async def test_answers_while_the_database_refuses_writes(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    first = Inbound(channel="test", user_id="u7", chat_id="u7", text="/start", language_hint="en")
    await app.conversation.handle(first)  # a known user, with a saved language
    # Another process (say, a backup) holds the write lock of the real file; reads go on
    # (WAL). The bot waits 50 ms instead of 5 s before its writes give up.
    assert app.settings.db.exists()
    await app.db.conn.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(app.settings.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        caplog.set_level(logging.WARNING)
        question = "When is the Lim festival?"
        [reply] = await app.conversation.handle(
            Inbound(channel="test", user_id="u7", chat_id="u7", text=question)
        )
        assert reply.lang == "en" and "Lim" in reply.text
        new_user = Inbound(channel="test", user_id="u8", chat_id="u8", text="/start")
        [hello] = await app.conversation.handle(new_user)
        assert hello.text
        assert "database refused" in caplog.text
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await app.db.all("SELECT 1 FROM users WHERE user_id = 'u8'") == []
