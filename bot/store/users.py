"""Users of every channel: language preference, blocked flag, subscriptions, forgetting."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class User:
    channel: str
    user_id: str
    lang: str | None
    lang_explicit: bool
    blocked: bool


class Users:
    """Repository over the ``users`` and ``subscriptions`` tables."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def touch(self, channel: str, user_id: str, lang_hint: str | None) -> User:
        """Create or refresh a user; a platform language hint fills an unset language."""
        rows = await self._conn.execute_fetchall(
            """
            INSERT INTO users (channel, user_id, lang) VALUES (?, ?, ?)
            ON CONFLICT (channel, user_id) DO UPDATE SET
                last_seen = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                blocked = 0,
                lang = COALESCE(users.lang, excluded.lang)
            RETURNING channel, user_id, lang, lang_explicit, blocked
            """,
            (channel, user_id, lang_hint),
        )
        await self._conn.commit()
        row = next(iter(rows))
        return User(row[0], row[1], row[2], bool(row[3]), bool(row[4]))

    async def get(self, channel: str, user_id: str) -> User | None:
        async with self._conn.execute(
            "SELECT channel, user_id, lang, lang_explicit, blocked FROM users"
            " WHERE channel = ? AND user_id = ?",
            (channel, user_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return User(row[0], row[1], row[2], bool(row[3]), bool(row[4]))

    async def set_lang(self, channel: str, user_id: str, lang: str, explicit: bool) -> None:
        """Remember a language; an explicit choice (/language) is never overridden by a guess."""
        await self._conn.execute(
            """
            UPDATE users SET lang = ?, lang_explicit = MAX(lang_explicit, ?)
            WHERE channel = ? AND user_id = ? AND (lang_explicit = 0 OR ? = 1)
            """,
            (lang, int(explicit), channel, user_id, int(explicit)),
        )
        await self._conn.commit()

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        """The user blocked the bot: keep the row, drop the subscriptions."""
        await self._conn.execute(
            "UPDATE users SET blocked = 1 WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        await self._conn.execute(
            "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        await self._conn.commit()

    async def subscribe(self, channel: str, user_id: str, topic: str) -> bool:
        """Add a subscription; False when it already existed."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO subscriptions (channel, user_id, topic) VALUES (?, ?, ?)",
            (channel, user_id, topic),
        )
        await self._conn.commit()
        return cur.rowcount > 0

    async def unsubscribe(self, channel: str, user_id: str, topic: str | None = None) -> int:
        """Remove one subscription, or all of them when ``topic`` is None."""
        if topic is None:
            cur = await self._conn.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
            )
        else:
            cur = await self._conn.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ? AND topic = ?",
                (channel, user_id, topic),
            )
        await self._conn.commit()
        return cur.rowcount

    async def subscriptions(self, channel: str, user_id: str) -> list[str]:
        async with self._conn.execute(
            "SELECT topic FROM subscriptions WHERE channel = ? AND user_id = ? ORDER BY topic",
            (channel, user_id),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def forget(self, channel: str, user_id: str) -> None:
        """Delete everything stored about a user (their row, subscriptions and questions)."""
        await self._conn.execute(
            "DELETE FROM questions WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        await self._conn.execute(
            "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        await self._conn.execute(
            "DELETE FROM users WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        await self._conn.commit()
