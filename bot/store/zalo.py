"""State of the Zalo channels: OA tokens, seen message ids, numbered options, interactions.

Every write is a single statement, atomic on its own (see ``bot.store.db.Db``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Db


@dataclass(frozen=True, slots=True)
class OaToken:
    """A stored token pair; ``access_token`` is None for a seeded refresh token."""

    row_id: int
    refresh_token: str
    access_token: str | None
    expires_at: float


class OaTokens:
    """The OA token history (``zalo_oa_tokens``): the newest readable row is current.

    Rows are kept, not pruned (about one a day): a configured seed that was already used
    once must be recognised as old, or a restart would put a dead token back in front.
    """

    def __init__(self, db: Db) -> None:
        self._db = db

    async def current(self, app_id: str) -> OaToken | None:
        row = await self._db.one(
            "SELECT id, refresh_token, access_token, expires_at FROM zalo_oa_tokens"
            " WHERE app_id = ? AND state = 'ok' ORDER BY id DESC LIMIT 1",
            (app_id,),
        )
        if row is None:
            return None
        return OaToken(int(row[0]), str(row[1]), row[2], float(row[3] or 0.0))

    async def seed(self, app_id: str, refresh_token: str) -> bool:
        """Add a configured refresh token unless it was ever stored; True when added."""
        done = await self._db.write(
            """
            INSERT INTO zalo_oa_tokens (app_id, state, source, refresh_token, expires_at)
            SELECT ?, 'ok', 'seed', ?, 0
            WHERE NOT EXISTS (
                SELECT 1 FROM zalo_oa_tokens WHERE app_id = ? AND refresh_token = ?
            )
            """,
            (app_id, refresh_token, app_id, refresh_token),
        )
        return done.rowcount > 0

    async def record_response(self, app_id: str, raw: str, received_at: float) -> int:
        """Store an OAuth answer as received, before anything parses it; return its row id."""
        done = await self._db.write(
            "INSERT INTO zalo_oa_tokens (app_id, state, source, raw, received_at)"
            " VALUES (?, 'pending', 'oauth', ?, ?)",
            (app_id, raw, received_at),
        )
        assert done.lastrowid is not None
        return done.lastrowid

    async def pending(self, app_id: str) -> list[tuple[int, str, float]]:
        """(row id, raw answer, received at) of answers stored but not parsed yet: a crash
        came between storing and parsing."""
        rows = await self._db.all(
            "SELECT id, raw, received_at FROM zalo_oa_tokens"
            " WHERE app_id = ? AND state = 'pending' ORDER BY id",
            (app_id,),
        )
        return [(int(r[0]), str(r[1]), float(r[2] or 0.0)) for r in rows]

    async def set_pair(
        self, row_id: int, access_token: str, refresh_token: str, expires_at: float
    ) -> None:
        """Fill in the parsed pair of a stored answer, making it current."""
        await self._db.write(
            "UPDATE zalo_oa_tokens SET state = 'ok', access_token = ?, refresh_token = ?,"
            " expires_at = ? WHERE id = ?",
            (access_token, refresh_token, expires_at, row_id),
        )

    async def mark_unreadable(self, row_id: int) -> None:
        """Keep an answer that could not be parsed (for a person to read), out of the way."""
        await self._db.write(
            "UPDATE zalo_oa_tokens SET state = 'unreadable' WHERE id = ?", (row_id,)
        )


class SeenMessages:
    """Ids of accepted messages per channel (``zalo_seen``), pruned to a recent window;
    with the body of each until it has been handled (the inbox)."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(self, channel: str, message_id: str, now: float, body: str | None = None) -> bool:
        """Remember an id (and the update to handle); False for a duplicate."""
        done = await self._db.write(
            "INSERT OR IGNORE INTO zalo_seen (channel, message_id, seen_at, body)"
            " VALUES (?, ?, ?, ?)",
            (channel, message_id, now, body),
        )
        return done.rowcount > 0

    async def handled(self, channel: str, message_id: str) -> None:
        """The update has been handled: keep its id only."""
        await self._db.write(
            "UPDATE zalo_seen SET body = NULL WHERE channel = ? AND message_id = ?",
            (channel, message_id),
        )

    async def unhandled(self, channel: str) -> list[tuple[str, str]]:
        """(id, body) of the updates accepted but not handled, oldest first."""
        rows = await self._db.all(
            "SELECT message_id, body FROM zalo_seen WHERE channel = ? AND body IS NOT NULL"
            " ORDER BY seen_at, rowid",
            (channel,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    async def prune(self, channel: str, before: float) -> int:
        done = await self._db.write(
            "DELETE FROM zalo_seen WHERE channel = ? AND seen_at < ?", (channel, before)
        )
        return done.rowcount


class NumberedOptions:
    """The payloads behind the numbers last shown to each user (``zalo_options``)."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def save(self, channel: str, user_id: str, payloads: Sequence[str], now: float) -> None:
        """Replace the user's options; an empty list forgets them."""
        if payloads:
            await self._db.write(
                "INSERT OR REPLACE INTO zalo_options (channel, user_id, payloads, saved_at)"
                " VALUES (?, ?, ?, ?)",
                (channel, user_id, json.dumps(list(payloads)), now),
            )
        else:
            await self._db.write(
                "DELETE FROM zalo_options WHERE channel = ? AND user_id = ?", (channel, user_id)
            )

    async def load(self, channel: str, user_id: str, newer_than: float) -> list[str]:
        """The user's options saved after ``newer_than``, else an empty list."""
        row = await self._db.one(
            "SELECT payloads FROM zalo_options WHERE channel = ? AND user_id = ? AND saved_at > ?",
            (channel, user_id, newer_than),
        )
        if row is None:
            return []
        payloads = json.loads(row[0])
        return [str(p) for p in payloads] if isinstance(payloads, list) else []


class OaInteractions:
    """When each OA user last wrote to us (``zalo_oa_interactions``)."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def touch(self, user_id: str, at: float) -> None:
        await self._db.write(
            "INSERT INTO zalo_oa_interactions (user_id, last_at) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET last_at = MAX(last_at, excluded.last_at)",
            (user_id, at),
        )

    async def last(self, user_id: str) -> float | None:
        row = await self._db.one(
            "SELECT last_at FROM zalo_oa_interactions WHERE user_id = ?", (user_id,)
        )
        return None if row is None else float(row[0])
