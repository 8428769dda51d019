"""The durable outbox: announcements and one delivery row per recipient."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
    """Repository over ``announcements`` and the delivery rows they create (the
    sender's side of the rows is ``bot.store.leases``)."""

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
            rows = await conn.execute_fetchall(
                "SELECT status, COALESCE(reason, ''), COUNT(*) FROM deliveries"
                " WHERE announcement_id = ? GROUP BY 1, 2",
                (ident,),
            )
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
    # Fetched in one hop: a half-read cursor would hold a read snapshot across awaits
    # (see bot.store.db.Db).
    rows = list(
        await conn.execute_fetchall(
            f"SELECT {_ANNOUNCEMENT_COLUMNS} FROM announcements WHERE id = ?", (ident,)
        )
    )
    if not rows:
        raise LookupError(ident)
    return _announcement(rows[0])


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
