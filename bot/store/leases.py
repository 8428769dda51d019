"""The sender's side of the outbox: workers, leased delivery rows and their outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.store.db import Db


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery row leased to this worker, with what the sender needs to know now."""

    id: int
    announcement_id: int
    channel: str
    user_id: str
    attempts: int
    lang: str | None
    skip: str | None  # why it must not be sent after all ('blocked', 'unsubscribed', ...)


@dataclass(frozen=True, slots=True)
class Result:
    """What became of a claimed row. ``status`` is final, or 'retry' (pending again at
    ``next_at``), or 'release' (never attempted: pending again, the claim not counted)."""

    id: int
    status: str
    reason: str | None = None
    next_at: float = 0.0
    blocked: tuple[str, str] | None = None  # (channel, user_id) that blocked the bot


class Leases:
    """Repository over ``outbox_workers`` and the ``deliveries`` rows being sent: a row
    is leased to one live worker at a time, and taken over when that worker dies."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def register_worker(self, worker: str, pid: int, host: str, now: float) -> None:
        await self._db.write(
            "INSERT OR REPLACE INTO outbox_workers (id, pid, host, started_at, heartbeat)"
            " VALUES (?, ?, ?, ?, ?)",
            (worker, pid, host, now, now),
        )

    async def heartbeat(self, worker: str, now: float) -> None:
        await self._db.write("UPDATE outbox_workers SET heartbeat = ? WHERE id = ?", (now, worker))

    async def unregister_worker(self, worker: str) -> None:
        await self._db.write("DELETE FROM outbox_workers WHERE id = ?", (worker,))

    async def expire_workers(self, silent_since: float) -> int:
        """Delete the rows of workers whose last heartbeat is older than ``silent_since``
        (killed ones never unregister); returns how many."""
        done = await self._db.write(
            "DELETE FROM outbox_workers WHERE heartbeat < ?", (silent_since,)
        )
        return done.rowcount

    async def reserve_slots(
        self, key: str, now: float, count: int, interval: float
    ) -> tuple[float, float]:
        """Take the next ``count`` send slots, ``interval`` apart, of budget ``key``, shared
        by every worker in every process; returns (first slot, pause end). Slots start no
        earlier than ``now`` and after any flood-control pause."""
        row = await self._db.one(
            """
            INSERT INTO send_pace (key, next_at) VALUES (:key, :now + :span)
            ON CONFLICT (key) DO UPDATE SET
                next_at = MAX(send_pace.next_at, :now, send_pace.paused_until) + :span
            RETURNING next_at - :span, paused_until
            """,
            {"key": key, "now": now, "span": count * interval},
        )
        assert row is not None  # an upsert with RETURNING always returns its row
        return float(row[0]), float(row[1])

    async def pause_sending(self, key: str, until: float) -> None:
        """Flood control for every worker of budget ``key``: no slot before ``until``."""
        await self._db.write(
            """
            INSERT INTO send_pace (key, next_at, paused_until) VALUES (?1, ?2, ?2)
            ON CONFLICT (key) DO UPDATE SET
                paused_until = MAX(send_pace.paused_until, excluded.paused_until)
            """,
            (key, until),
        )

    async def claim(
        self,
        worker: str,
        now: float,
        alive_since: float,
        limit: int,
        channels: Sequence[str],
    ) -> list[Claimed]:
        """Lease up to ``limit`` due rows of running announcements to ``worker``: pending
        ones, and 'sending' ones whose worker stopped beating (it crashed mid-send). Only
        rows of ``channels`` (those it can send to): the others wait for a worker that can."""
        async with self._db.tx() as conn:
            async with conn.execute(
                """
                UPDATE deliveries SET status = 'sending', lease_owner = ?,
                    attempts = attempts + 1, updated_at = ?
                WHERE id IN (
                    SELECT d.id FROM deliveries d
                    JOIN announcements a ON a.id = d.announcement_id
                    WHERE a.status = 'sending' AND d.status IN ('pending', 'sending')
                      AND d.next_at <= ?
                      AND d.channel IN (SELECT value FROM json_each(?))
                      AND (d.status = 'pending' OR d.lease_owner IS NULL OR d.lease_owner
                           NOT IN (SELECT id FROM outbox_workers WHERE heartbeat >= ?))
                    ORDER BY d.announcement_id, d.id LIMIT ?)
                RETURNING id
                """,
                (worker, now, now, json.dumps(list(channels)), alive_since, limit),
            ) as cur:
                ids = [int(r[0]) for r in await cur.fetchall()]
            if not ids:
                return []
            async with conn.execute(
                """
                SELECT d.id, d.announcement_id, d.channel, d.user_id, d.attempts, u.lang,
                    CASE
                        WHEN u.user_id IS NULL THEN 'unknown user'
                        WHEN u.blocked THEN 'blocked'
                        WHEN NOT EXISTS (
                            SELECT 1 FROM subscriptions s
                            WHERE s.channel = d.channel AND s.user_id = d.user_id
                              AND (a.topics = '["*"]'
                                   OR s.topic IN (SELECT value FROM json_each(a.topics)))
                        ) THEN 'unsubscribed'
                    END
                FROM deliveries d
                JOIN announcements a ON a.id = d.announcement_id
                LEFT JOIN users u ON u.channel = d.channel AND u.user_id = d.user_id
                WHERE d.id IN (SELECT value FROM json_each(?))
                ORDER BY d.announcement_id, d.id
                """,
                (json.dumps(ids),),
            ) as cur:
                rows = await cur.fetchall()
        return [Claimed(int(r[0]), int(r[1]), r[2], r[3], int(r[4]), r[5], r[6]) for r in rows]

    async def record(self, results: Iterable[Result], worker: str, now: float) -> None:
        """Write a batch of outcomes in one transaction (and block/unsubscribe users)."""
        final, retry, release, blocked = [], [], [], []
        for r in results:
            if r.status == "retry":
                retry.append((r.reason, r.next_at, now, r.id))
            elif r.status == "release":
                release.append((now, r.id, worker))
            else:
                final.append((r.status, r.reason, now, r.id))
            if r.blocked is not None:
                blocked.append(r.blocked)
        async with self._db.tx() as conn:
            await conn.executemany(
                "UPDATE deliveries SET status = ?, reason = ?, lease_owner = NULL,"
                " updated_at = ? WHERE id = ? AND status = 'sending'",
                final,
            )
            await conn.executemany(
                "UPDATE deliveries SET status = 'pending', reason = ?, next_at = ?,"
                " lease_owner = NULL, updated_at = ? WHERE id = ? AND status = 'sending'",
                retry,
            )
            await conn.executemany(
                "UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0),"
                " lease_owner = NULL, updated_at = ?"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                release,
            )
            await conn.executemany(
                "UPDATE users SET blocked = 1 WHERE channel = ? AND user_id = ?", blocked
            )
            await conn.executemany(
                "DELETE FROM subscriptions WHERE channel = ? AND user_id = ?", blocked
            )

    async def finish(self, now: float, alive_since: float) -> list[int]:
        """Close announcements with no open rows; skip rows of cancelled announcements left
        behind by a dead worker. Returns the ids that just finished."""
        async with self._db.tx() as conn:
            await conn.execute(
                """
                UPDATE deliveries SET status = 'skipped', reason = 'cancelled',
                    lease_owner = NULL, updated_at = ?
                WHERE status IN ('pending', 'sending')
                  AND announcement_id IN (SELECT id FROM announcements WHERE status = 'cancelled')
                  AND (status = 'pending' OR lease_owner IS NULL OR lease_owner
                       NOT IN (SELECT id FROM outbox_workers WHERE heartbeat >= ?))
                """,
                (now, alive_since),
            )
            async with conn.execute(
                """
                UPDATE announcements SET status = 'done', finished_at = ?
                WHERE status = 'sending' AND NOT EXISTS (
                    SELECT 1 FROM deliveries d WHERE d.announcement_id = announcements.id
                      AND d.status IN ('pending', 'sending'))
                RETURNING id
                """,
                (now,),
            ) as cur:
                return [int(r[0]) for r in await cur.fetchall()]

    async def statuses(self, idents: Iterable[int]) -> dict[int, str]:
        rows = await self._db.all(
            "SELECT id, status FROM announcements WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(idents)),),
        )
        return {int(i): str(s) for i, s in rows}

    async def open_count(self, ident: int) -> int:
        row = await self._db.one(
            "SELECT COUNT(*) FROM deliveries WHERE announcement_id = ?"
            " AND status IN ('pending', 'sending')",
            (ident,),
        )
        return int(row[0]) if row else 0
