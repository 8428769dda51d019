"""Staff members added by an admin, the audit trail of staff actions, and chat drafts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.store.db import Db
from bot.store.pseudonym import database_salt, pseudonym


@dataclass(frozen=True, slots=True)
class StaffMember:
    channel: str
    user_id: str
    added_by: str
    added_at: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    channel: str
    user_id: str
    action: str
    detail: str
    allowed: bool


class StaffStore:
    """Repository over ``staff``, ``staff_audit`` and ``staff_drafts``.

    Every visitor's typed message asks whether its sender is composing an announcement;
    the store remembers who has a draft so that the answer for everybody else costs no
    query. Drafts are only written through this store, by the chat process; a user in
    the set whose draft was consumed meanwhile simply gets the query and None.
    """

    def __init__(self, db: Db) -> None:
        self._db = db
        self._drafters: set[tuple[str, str]] | None = None  # loaded on first use
        self._salt: bytes | None = None

    async def _may_have_draft(self, channel: str, user_id: str) -> bool:
        if self._drafters is None:
            rows = await self._db.all("SELECT channel, user_id FROM staff_drafts")
            self._drafters = {(str(r[0]), str(r[1])) for r in rows}
        return (channel, user_id) in self._drafters

    async def add(self, channel: str, user_id: str, added_by: str) -> bool:
        """Add a staff member; False when they already were one."""
        done = await self._db.write(
            "INSERT OR IGNORE INTO staff (channel, user_id, added_by) VALUES (?, ?, ?)",
            (channel, user_id, added_by),
        )
        return done.rowcount > 0

    async def remove(self, channel: str, user_id: str) -> bool:
        if self._drafters is not None:
            self._drafters.discard((channel, user_id))
        async with self._db.tx() as conn:
            cur = await conn.execute(
                "DELETE FROM staff WHERE channel = ? AND user_id = ?", (channel, user_id)
            )
            await conn.execute(
                "DELETE FROM staff_drafts WHERE channel = ? AND user_id = ?", (channel, user_id)
            )
            return cur.rowcount > 0

    async def contains(self, channel: str, user_id: str) -> bool:
        row = await self._db.one(
            "SELECT 1 FROM staff WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        return row is not None

    async def members(self) -> list[StaffMember]:
        rows = await self._db.all(
            "SELECT channel, user_id, added_by, added_at FROM staff ORDER BY channel, user_id"
        )
        return [StaffMember(*row) for row in rows]

    async def audit(
        self, channel: str, user_id: str, action: str, detail: str = "", *, allowed: bool
    ) -> None:
        """Record a staff action. A refused attempt is a visitor's: it keeps a pseudonym
        (``bot.store.pseudonym``), not their id, and /forget deletes it."""
        if not allowed:
            if self._salt is None:
                self._salt = await database_salt(self._db)
            user_id = pseudonym(self._salt, channel, user_id)
        await self._db.write(
            "INSERT INTO staff_audit (channel, user_id, action, detail, allowed)"
            " VALUES (?, ?, ?, ?, ?)",
            (channel, user_id, action, detail[:500], int(allowed)),
        )

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        rows = await self._db.all(
            "SELECT at, channel, user_id, action, detail, allowed FROM staff_audit"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    async def draft(self, channel: str, user_id: str) -> str | None:
        """The JSON of the announcement this user is composing, if any."""
        if not await self._may_have_draft(channel, user_id):
            return None
        row = await self._db.one(
            "SELECT data FROM staff_drafts WHERE channel = ? AND user_id = ?",
            (channel, user_id),
        )
        return str(row[0]) if row else None

    async def save_draft(self, channel: str, user_id: str, data: str) -> None:
        await self._may_have_draft(channel, user_id)  # load the set before adding to it
        assert self._drafters is not None
        self._drafters.add((channel, user_id))
        await self._db.write(
            "INSERT INTO staff_drafts (channel, user_id, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET"
            " data = excluded.data, updated_at = excluded.updated_at",
            (channel, user_id, data, time.time()),
        )

    async def drop_draft(self, channel: str, user_id: str) -> bool:
        if self._drafters is not None:
            self._drafters.discard((channel, user_id))
        done = await self._db.write(
            "DELETE FROM staff_drafts WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        return done.rowcount > 0
