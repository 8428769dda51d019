"""The question log: what visitors asked, in folded form, and whether the bot could answer."""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import TYPE_CHECKING

from bot.store.db import Db
from bot.store.retention import cutoff, delete_older
from bot.text.question_key import question_key

if TYPE_CHECKING:
    from bot.store.feedback import Feedback

log = logging.getLogger(__name__)

# Old questions are deleted every this many logged questions (and at the first one), at
# most PRUNE_BATCH rows at a time, so one prune never holds the database for long.
PRUNE_EVERY = 500
PRUNE_BATCH = 5000


class Questions:
    """Repository over the ``questions`` table (read by the staff reports).

    Questions older than ``retention_days`` are deleted as new ones are logged (0 keeps
    them all).
    """

    def __init__(self, db: Db, retention_days: int = 180) -> None:
        self._db = db
        self._retention_days = retention_days
        self._logged = 0

    def feedback(self) -> Feedback:
        """The visitors' feedback on the answers, kept beside the questions and as long."""
        from bot.store.feedback import Feedback  # it imports this module's pruning pace

        return Feedback(self._db, self._retention_days)

    async def record(
        self,
        channel: str,
        user_id: str | None,
        folded: str,
        lang: str,
        answered: bool,
        matched: list[str],
        asked: str | None = None,
    ) -> None:
        """Log one question; ``asked`` is the text as typed (shown in staff reports)."""
        folded = folded[:500]
        try:
            await self._db.write(
                "INSERT INTO questions"
                " (channel, user_id, folded, qkey, lang, answered, matched, asked)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    user_id,
                    folded,
                    question_key(folded),
                    lang,
                    int(answered),
                    " ".join(matched),
                    asked[:500] if asked else None,
                ),
            )
        except sqlite3.OperationalError as exc:  # locked, read-only, full: still answer
            log.warning("question log: question not logged, database refused the write: %s", exc)
            return
        self._logged += 1
        if self._retention_days > 0 and self._logged % PRUNE_EVERY == 1:
            try:
                await self.prune(time.time())
            except Exception:  # the log is kept a little longer: not worth failing an answer
                log.exception("question log: pruning failed")

    async def prune(self, now: float, batch: int = PRUNE_BATCH) -> int:
        """Delete up to ``batch`` questions older than the retention; returns how many."""
        before = cutoff(now, self._retention_days)
        deleted = await delete_older(self._db, "questions", "asked_at", before, batch)
        if deleted:
            log.info("question log: %d questions older than %s deleted", deleted, before)
        return deleted

    async def top_unanswered(self, days: int, limit: int = 20) -> list[tuple[str, int]]:
        """Most frequent unanswered folded questions of the last ``days`` days."""
        rows = await self._db.all(
            """
            SELECT folded, COUNT(*) AS n FROM questions
            WHERE answered = 0 AND asked_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)
            GROUP BY folded ORDER BY n DESC, folded LIMIT ?
            """,
            (f"-{int(days)} days", limit),
        )
        return [(row[0], int(row[1])) for row in rows]
