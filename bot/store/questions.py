"""The question log: what visitors asked, in folded form, and whether the bot could answer."""

from __future__ import annotations

from bot.store.db import Db


class Questions:
    """Repository over the ``questions`` table (read by the staff reports)."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def record(
        self,
        channel: str,
        user_id: str | None,
        folded: str,
        lang: str,
        answered: bool,
        matched: list[str],
    ) -> None:
        await self._db.write(
            "INSERT INTO questions (channel, user_id, folded, lang, answered, matched)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, user_id, folded[:500], lang, int(answered), " ".join(matched)),
        )

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
