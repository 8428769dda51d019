"""The durable outbox: announcements, one delivery row per recipient, leases and outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.db import Db

EVERYONE = "*"  # the topic list ["*"] reaches every subscriber, whatever they chose
# Users of the terminal chat: nobody can send them anything later.
LOCAL_CHANNELS = ("console", "cli")
OPEN = ("pending", "sending")
FINAL = ("sent", "failed", "skipped")


class StaleDraft(Exception):
    """The draft was changed or already sent since this preview was shown."""


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    text_vi: str | None
    text_en: str | None
    audience: str
    topics: tuple[str, ...]
    created_by: str
    due_at: float
    kind: str = "announcement"
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    kind: str
    ref: str | None
    text_vi: str | None
    text_en: str | None
    audience: str
    topics: tuple[str, ...]
    status: str
    created_by: str
    created_at: float
    due_at: float
    started_at: float | None
    finished_at: float | None
    total: int


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts of an announcement's delivery rows; ``reasons`` are (status, reason, n)."""

    announcement: Announcement
    counts: dict[str, int]
    reasons: tuple[tuple[str, str, int], ...]

    def of(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def finished(self) -> int:
        return sum(self.of(s) for s in FINAL)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


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


_ANNOUNCEMENT_COLUMNS = (
    "id, kind, ref, text_vi, text_en, audience, topics, status, created_by, created_at,"
    " due_at, started_at, finished_at, total"
)


def _announcement(row: Sequence[Any]) -> Announcement:
    return Announcement(
        id=int(row[0]),
        kind=row[1],
        ref=row[2],
        text_vi=row[3],
        text_en=row[4],
        audience=row[5],
        topics=tuple(json.loads(row[6])),
        status=row[7],
        created_by=row[8],
        created_at=float(row[9]),
        due_at=float(row[10]),
        started_at=row[11],
        finished_at=row[12],
        total=int(row[13]),
    )


def _audience_params(topics: Sequence[str]) -> tuple[int, str]:
    return int(EVERYONE in topics), json.dumps(list(topics))


# Subscribers reached by a topic list: (everyone flag, JSON topics) as parameters.
_MATCHING_SUBSCRIPTION = "(? OR s.topic IN (SELECT value FROM json_each(?)))"


class Outbox:
    """Repository over ``announcements``, ``deliveries`` and ``outbox_workers``."""

    def __init__(self, db: Db) -> None:
        self._db = db

    # -- writing announcements -------------------------------------------------------

    async def create(
        self, new: NewAnnouncement, now: float, draft: tuple[str, str, int] | None = None
    ) -> Announcement:
        """Store an announcement; when it is due, its delivery rows too, in the same
        transaction. ``draft`` (channel, user id, revision) is consumed atomically: a
        second confirm of the same preview raises ``StaleDraft`` instead of sending twice."""
        async with self._db.tx() as conn:
            if draft is not None:
                cur = await conn.execute(
                    "DELETE FROM staff_drafts WHERE channel = ? AND user_id = ?"
                    " AND json_extract(data, '$.rev') = ?",
                    draft,
                )
                if cur.rowcount != 1:
                    raise StaleDraft
            due = new.due_at <= now
            ident = await _insert(conn, new, now, started=due)
            if due:
                await _expand(conn, ident, new.topics)
            return await _get(conn, ident)

    async def ensure_reminder(self, new: NewAnnouncement, now: float) -> tuple[int, int]:
        """Create the reminder ``new.ref`` once, or add subscribers who joined since it was
        created. Returns (announcement id, rows added); a cancelled reminder stays so."""
        assert new.ref is not None
        async with self._db.tx() as conn:
            async with conn.execute(
                "SELECT id, status FROM announcements WHERE ref = ?", (new.ref,)
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                ident = await _insert(conn, new, now, started=True)
                return ident, await _expand(conn, ident, new.topics)
            ident, status = int(row[0]), row[1]
            if status not in ("sending", "done"):
                return ident, 0
            added = await _expand(conn, ident, new.topics)
            if added and status == "done":
                await conn.execute(
                    "UPDATE announcements SET status = 'sending', finished_at = NULL WHERE id = ?",
                    (ident,),
                )
            return ident, added

    async def start_due(self, now: float) -> list[int]:
        """Start every scheduled announcement whose time has come (rows written now, so
        people who subscribed or left in the meantime are counted correctly)."""
        started = []
        rows = await self._db.all(
            "SELECT id FROM announcements WHERE status = 'scheduled' AND due_at <= ?"
            " ORDER BY due_at, id",
            (now,),
        )
        due = [int(r[0]) for r in rows]
        for ident in due:
            async with self._db.tx() as conn:
                cur = await conn.execute(
                    "UPDATE announcements SET status = 'sending', started_at = ?"
                    " WHERE id = ? AND status = 'scheduled'",
                    (now, ident),
                )
                if cur.rowcount == 1:
                    announcement = await _get(conn, ident)
                    await _expand(conn, ident, announcement.topics)
                    started.append(ident)
        return started

    async def cancel(self, ident: int, now: float) -> bool:
        """Cancel a scheduled or running announcement; its unsent rows end as skipped.
        Rows already in a sender's hands finish (they may be on the wire)."""
        async with self._db.tx() as conn:
            cur = await conn.execute(
                "UPDATE announcements SET status = 'cancelled', finished_at = ?"
                " WHERE id = ? AND status IN ('scheduled', 'sending')",
                (now, ident),
            )
            if cur.rowcount != 1:
                return False
            await conn.execute(
                "UPDATE deliveries SET status = 'skipped', reason = 'cancelled', updated_at = ?"
                " WHERE announcement_id = ? AND status = 'pending'",
                (now, ident),
            )
            return True

    # -- reading ---------------------------------------------------------------------

    async def get(self, ident: int) -> Announcement | None:
        async with self._db.read() as conn:
            try:
                return await _get(conn, ident)
            except LookupError:
                return None

    async def recent(self, limit: int = 10) -> list[Announcement]:
        rows = await self._db.all(
            f"SELECT {_ANNOUNCEMENT_COLUMNS} FROM announcements ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [_announcement(r) for r in rows]

    async def progress(self, ident: int) -> Progress | None:
        async with self._db.read() as conn:
            try:
                announcement = await _get(conn, ident)
            except LookupError:
                return None
            async with conn.execute(
                "SELECT status, COALESCE(reason, ''), COUNT(*) FROM deliveries"
                " WHERE announcement_id = ? GROUP BY 1, 2",
                (ident,),
            ) as cur:
                rows = await cur.fetchall()
        counts: dict[str, int] = {}
        reasons = []
        for status, reason, n in rows:
            counts[status] = counts.get(status, 0) + int(n)
            if reason and status in ("failed", "skipped"):
                reasons.append((status, str(reason), int(n)))
        reasons.sort(key=lambda r: (-r[2], r[0], r[1]))
        return Progress(announcement, counts, tuple(reasons))

    async def audience_size(self, topics: Sequence[str], default_lang: str) -> dict[str, int]:
        """How many subscribers the topics reach now, by the language they read."""
        rows = await self._db.all(
            "SELECT COALESCE(u.lang, ?), COUNT(*) FROM users u WHERE u.blocked = 0"
            " AND u.channel NOT IN (SELECT value FROM json_each(?))"
            " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel = u.channel"
            f" AND s.user_id = u.user_id AND {_MATCHING_SUBSCRIPTION}) GROUP BY 1",
            (default_lang, json.dumps(LOCAL_CHANNELS), *_audience_params(topics)),
        )
        return {str(lang): int(n) for lang, n in rows}

    async def subscribed_topics(self, prefix: str) -> dict[str, int]:
        """Topics starting with ``prefix`` that someone subscribed to, with counts."""
        rows = await self._db.all(
            "SELECT topic, COUNT(*) FROM subscriptions WHERE topic >= ? AND topic < ?"
            " GROUP BY topic",
            (prefix, prefix + "\uffff"),
        )
        return {str(t): int(n) for t, n in rows}

    # -- the sender's side -----------------------------------------------------------

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


async def _insert(
    conn: aiosqlite.Connection, new: NewAnnouncement, now: float, *, started: bool
) -> int:
    """Add the announcement row, 'sending' from ``now`` when ``started``; return its id."""
    cur = await conn.execute(
        "INSERT INTO announcements (kind, ref, text_vi, text_en, audience, topics,"
        " status, created_by, created_at, due_at, started_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.kind,
            new.ref,
            new.text_vi,
            new.text_en,
            new.audience,
            json.dumps(list(new.topics)),
            "sending" if started else "scheduled",
            new.created_by,
            now,
            new.due_at,
            now if started else None,
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def _get(conn: aiosqlite.Connection, ident: int) -> Announcement:
    async with conn.execute(
        f"SELECT {_ANNOUNCEMENT_COLUMNS} FROM announcements WHERE id = ?", (ident,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(ident)
    return _announcement(row)


async def _expand(conn: aiosqlite.Connection, ident: int, topics: Sequence[str]) -> int:
    """One pending row per current subscriber reached (INSERT ... SELECT: no recipient
    list in memory, whatever the audience size); returns the rows added."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO deliveries (announcement_id, channel, user_id)"
        " SELECT DISTINCT ?, s.channel, s.user_id FROM subscriptions s"
        " JOIN users u ON u.channel = s.channel AND u.user_id = s.user_id"
        f" WHERE u.blocked = 0 AND {_MATCHING_SUBSCRIPTION}"
        " AND s.channel NOT IN (SELECT value FROM json_each(?))"
        " ORDER BY s.channel, s.user_id",
        (ident, *_audience_params(topics), json.dumps(LOCAL_CHANNELS)),
    )
    added = max(cur.rowcount, 0)
    await conn.execute(
        "UPDATE announcements SET total = (SELECT COUNT(*) FROM deliveries"
        " WHERE announcement_id = ?) WHERE id = ?",
        (ident, ident),
    )
    return added
