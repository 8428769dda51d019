"""Telegram updates received and not yet handled (``telegram_inbox``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.store.db import Db


class TelegramInbox:
    """Repository of the updates waiting to be handled, by update id."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(self, update_id: int, body: str, now: float) -> None:
        await self._db.write(
            "INSERT OR IGNORE INTO telegram_inbox (update_id, body, received_at) VALUES (?, ?, ?)",
            (update_id, body, now),
        )

    async def handled(self, update_ids: Iterable[int]) -> None:
        ids = list(update_ids)
        if ids:
            await self._db.write(
                "DELETE FROM telegram_inbox WHERE update_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            )

    async def waiting(self) -> list[str]:
        """The bodies of the updates not handled yet, oldest first."""
        rows = await self._db.all("SELECT body FROM telegram_inbox ORDER BY update_id")
        return [str(r[0]) for r in rows]
