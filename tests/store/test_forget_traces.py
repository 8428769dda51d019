"""/forget leaves no trace: not in the audit of refused staff attempts, not in the
write-ahead log, not in the free space of the database file, not in WARNING lines."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import i18n
from bot.core.models import Inbound, Reply
from bot.core.payloads import Forget
from tests.broadcast.helpers import Wired, wired

VISITOR = "987654321"


@pytest.fixture(autouse=True)
def catalogs() -> Iterator[None]:
    i18n.load_catalogs()
    yield


def wal_size(db: Path) -> int:
    wal = Path(f"{db}-wal")
    return wal.stat().st_size if wal.exists() else 0


async def say(w: Wired, text: str | None = None, press: str | None = None) -> list[Reply]:
    assert w.dispatcher is not None
    msg = Inbound("telegram", VISITOR, VISITOR, text=text, payload=press, language_hint="en")
    return await w.dispatcher.handle(msg)


async def test_forget_leaves_no_trace(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with wired(tmp_path, None, full=True) as w:
        assert w.app is not None
        db = w.app.settings.db
        with caplog.at_level(logging.WARNING):
            await say(w, "/stats")  # refused: audited, logged
            await say(w, "/announce")
        await say(w, "When is the Lim festival?")
        await say(w, "/subscribe")
        assert VISITOR not in caplog.text and "refused staff action" in caplog.text
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT user_id FROM staff_audit WHERE allowed = 0").fetchall()
        assert len(rows) == 2 and all(VISITOR not in r[0] for r in rows)  # pseudonyms

        [done] = await say(w, press=Forget("yes").pack())
        assert "deleted" in done.text

        assert wal_size(db) == 0  # checkpointed and truncated
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM staff_audit").fetchone() == (0,)
        assert VISITOR.encode() not in db.read_bytes()  # not even in free pages
