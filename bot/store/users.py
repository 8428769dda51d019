"""Users of every channel: language preference, blocked flag, subscriptions, forgetting."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Db
from bot.store.pseudonym import database_salt, pseudonym

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class User:
    channel: str
    user_id: str
    lang: str | None
    lang_explicit: bool
    blocked: bool
    dialogue: str | None = None  # the chat's dialogue state, as JSON (bot.core.dialogue)
    handoff: int | None = None  # the id of the conversation staff have (bot.handoff)


class Users:
    """Repository over the ``users`` and ``subscriptions`` tables."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def touch(self, channel: str, user_id: str, lang_hint: str | None) -> User:
        """Create or refresh a user; a platform language hint fills an unset language.

        When the database refuses the write (locked by another process, read-only, full),
        the user is read instead, or made up from the hint: answering must not depend on
        a write succeeding."""
        try:
            return await self._upsert(channel, user_id, lang_hint)
        except sqlite3.OperationalError as exc:
            log.warning("users: %s user not updated, database refused the write: %s", channel, exc)
        try:
            user = await self.get(channel, user_id)
        except sqlite3.OperationalError:
            user = None
        return user or User(channel, user_id, lang_hint, False, False)

    async def _upsert(self, channel: str, user_id: str, lang_hint: str | None) -> User:
        row = await self._db.one(
            """
            INSERT INTO users (channel, user_id, lang) VALUES (?, ?, ?)
            ON CONFLICT (channel, user_id) DO UPDATE SET
                last_seen = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                blocked = 0,
                lang = COALESCE(users.lang, excluded.lang)
            RETURNING channel, user_id, lang, lang_explicit, blocked, dialogue, handoff
            """,
            (channel, user_id, lang_hint),
        )
        assert row is not None  # an upsert with RETURNING always returns its row
        return User(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6])

    async def get(self, channel: str, user_id: str) -> User | None:
        row = await self._db.one(
            "SELECT channel, user_id, lang, lang_explicit, blocked, dialogue, handoff FROM users"
            " WHERE channel = ? AND user_id = ?",
            (channel, user_id),
        )
        if row is None:
            return None
        return User(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6])

    async def set_lang(self, channel: str, user_id: str, lang: str, explicit: bool) -> None:
        """Remember a language; an explicit choice (/language) is never overridden by a
        guess. A refused write is logged, not raised: the reply goes out regardless."""
        try:
            await self._db.write(
                """
                UPDATE users SET lang = ?, lang_explicit = MAX(lang_explicit, ?)
                WHERE channel = ? AND user_id = ? AND (lang_explicit = 0 OR ? = 1)
                """,
                (lang, int(explicit), channel, user_id, int(explicit)),
            )
        except sqlite3.OperationalError as exc:
            log.warning(
                "users: %s language not saved, database refused the write: %s", channel, exc
            )

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        """The user blocked the bot: keep the row, drop the subscriptions."""
        async with self._db.tx() as conn:
            await conn.execute(
                "UPDATE users SET blocked = 1 WHERE channel = ? AND user_id = ?",
                (channel, user_id),
            )
            await conn.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
            )

    async def subscribe(self, channel: str, user_id: str, topic: str) -> bool:
        """Add a subscription; False when it already existed."""
        done = await self._db.write(
            "INSERT OR IGNORE INTO subscriptions (channel, user_id, topic) VALUES (?, ?, ?)",
            (channel, user_id, topic),
        )
        return done.rowcount > 0

    async def unsubscribe(self, channel: str, user_id: str, topic: str | None = None) -> int:
        """Remove one subscription, or all of them when ``topic`` is None."""
        if topic is None:
            done = await self._db.write(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
            )
        else:
            done = await self._db.write(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ? AND topic = ?",
                (channel, user_id, topic),
            )
        return done.rowcount

    async def subscriptions(self, channel: str, user_id: str) -> list[str]:
        rows = await self._db.all(
            "SELECT topic FROM subscriptions WHERE channel = ? AND user_id = ? ORDER BY topic",
            (channel, user_id),
        )
        return [row[0] for row in rows]

    async def save_dialogues(self, rows: Sequence[tuple[str, str, str | None]]) -> None:
        """Store (channel, user_id, dialogue JSON) for users that exist, in one statement."""
        async with self._db.tx() as conn:
            await conn.executemany(
                "UPDATE users SET dialogue = ? WHERE channel = ? AND user_id = ?",
                [(dialogue, channel, user_id) for channel, user_id, dialogue in rows],
            )

    async def forget(self, channel: str, user_id: str) -> None:
        """Delete everything stored about a user: their row, subscriptions, questions,
        feedback on answers, conversations with staff (messages included) and refused staff
        attempts (kept under a pseudonym); then checkpoint the write-ahead log, which would
        otherwise hold the deleted rows until its next checkpoint."""
        alias = pseudonym(await database_salt(self._db), channel, user_id)
        async with self._db.tx() as conn:
            for table in ("questions", "feedback", "subscriptions", "handoffs", "users"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE channel = ? AND user_id = ?", (channel, user_id)
                )
            await conn.execute(
                "DELETE FROM staff_audit WHERE channel = ? AND user_id = ? AND allowed = 0",
                (channel, alias),
            )
        row = await self._db.one("PRAGMA wal_checkpoint(TRUNCATE)")
        if row is not None and row[0]:  # another connection is reading: done at its end
            log.info("users: the write-ahead log could not be truncated now")
