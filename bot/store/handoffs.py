"""Conversations handed to staff, and their messages: the transcript and the relay queue.

Every message of a handoff is a row, written before the update that carried it is
acknowledged; the relay (``bot.handoff.relay``) sends pending rows in id order and marks
them, so a crash at any point loses none (at worst one is sent twice).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.store.db import Db

Status = Literal["open", "claimed", "closed"]
Direction = Literal["card", "in", "out", "note"]
ACTIVE = ("open", "claimed")

_COLUMNS = (
    "id, channel, user_id, lang, status, question, thread_id, card_message_id, claimed_by,"
    " closed_by, created_at, claimed_at, first_reply_at, closed_at, visitor_at, active_at"
)
_MESSAGE_COLUMNS = (
    "id, handoff_id, direction, text, author, status, attempts, reason, staff_message_id,"
    " created_at, sent_at"
)


@dataclass(frozen=True, slots=True)
class Handoff:
    id: int
    channel: str
    user_id: str
    lang: str
    status: Status
    question: str
    thread_id: int | None
    card_message_id: int | None
    claimed_by: str | None
    closed_by: str | None
    created_at: float
    claimed_at: float | None
    first_reply_at: float | None
    closed_at: float | None
    visitor_at: float
    active_at: float

    @property
    def active(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    handoff_id: int
    direction: Direction
    text: str
    author: str | None
    status: str
    attempts: int
    reason: str | None
    staff_message_id: int | None
    created_at: float
    sent_at: float | None


@dataclass(frozen=True, slots=True)
class HandoffCounts:
    """Handoffs created in a period, by status now, and the median wait for a first
    reply from staff (seconds; None when none was answered)."""

    open: int
    claimed: int
    closed: int
    median_first_reply: float | None

    @property
    def total(self) -> int:
        return self.open + self.claimed + self.closed


def _handoff(row: Sequence[Any]) -> Handoff:
    return Handoff(*row)


def _message(row: Sequence[Any]) -> Message:
    return Message(*row)


class Handoffs:
    """Repository over ``handoffs`` and ``handoff_messages``."""

    def __init__(self, db: Db) -> None:
        self._db = db

    # -- conversations ---------------------------------------------------------------

    async def open(
        self, channel: str, user_id: str, lang: str, question: str, card: str, now: float
    ) -> tuple[Handoff, bool]:
        """The visitor's active handoff, or a new one with its request ``card`` queued for
        the staff chat; the flag says whether it is new."""
        async with self._db.tx() as conn:
            async with conn.execute(
                f"SELECT {_COLUMNS} FROM handoffs"
                " WHERE channel = ? AND user_id = ? AND status != 'closed'",
                (channel, user_id),
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                return _handoff(row), False
            cur = await conn.execute(
                "INSERT INTO handoffs (channel, user_id, lang, status, question, created_at,"
                " visitor_at, active_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
                (channel, user_id, lang, question[:500], now, now, now),
            )
            ident = int(cur.lastrowid or 0)
            await _route(conn, channel, user_id, ident)
            await conn.execute(
                "INSERT INTO handoff_messages (handoff_id, direction, text, created_at)"
                " VALUES (?, 'card', ?, ?)",
                (ident, card, now),
            )
            async with conn.execute(
                f"SELECT {_COLUMNS} FROM handoffs WHERE id = ?", (ident,)
            ) as cur:
                created = await cur.fetchone()
        assert created is not None
        return _handoff(created), True

    async def get(self, ident: int) -> Handoff | None:
        row = await self._db.one(f"SELECT {_COLUMNS} FROM handoffs WHERE id = ?", (ident,))
        return _handoff(row) if row is not None else None

    async def active_for(self, channel: str, user_id: str) -> Handoff | None:
        row = await self._db.one(
            f"SELECT {_COLUMNS} FROM handoffs"
            " WHERE channel = ? AND user_id = ? AND status != 'closed'",
            (channel, user_id),
        )
        return _handoff(row) if row is not None else None

    async def for_staff_message(
        self, thread_id: int | None, reply_to: int | None
    ) -> Handoff | None:
        """The handoff a staff chat message belongs to: by its forum topic, else by the
        bot message it replies to (the request card or a relayed visitor message)."""
        if thread_id is not None:
            row = await self._db.one(
                f"SELECT {_COLUMNS} FROM handoffs WHERE thread_id = ? ORDER BY id DESC LIMIT 1",
                (thread_id,),
            )
            if row is not None:
                return _handoff(row)
        if reply_to is None:
            return None
        row = await self._db.one(
            f"SELECT {_COLUMNS} FROM handoffs WHERE card_message_id = ? OR id ="
            " (SELECT handoff_id FROM handoff_messages WHERE staff_message_id = ?)"
            " ORDER BY id DESC LIMIT 1",
            (reply_to, reply_to),
        )
        return _handoff(row) if row is not None else None

    async def placed(self, ident: int, thread_id: int | None, card_message_id: int | None) -> None:
        """Where the request card went in the staff chat."""
        await self._db.write(
            "UPDATE handoffs SET thread_id = COALESCE(?, thread_id),"
            " card_message_id = COALESCE(?, card_message_id) WHERE id = ?",
            (thread_id, card_message_id, ident),
        )

    async def claim(self, ident: int, staff: str, now: float) -> Handoff | None:
        """Give an open (or closed, to take it up again) handoff to ``staff``; None when
        someone else holds it already or the visitor has another active one."""
        async with self._db.tx() as conn:
            async with conn.execute(
                f"SELECT {_COLUMNS} FROM handoffs WHERE id = ?", (ident,)
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return None
            current = _handoff(row)
            if current.status == "claimed":
                return current if current.claimed_by == staff else None
            if current.status == "closed":
                async with conn.execute(
                    "SELECT 1 FROM handoffs WHERE channel = ? AND user_id = ?"
                    " AND status != 'closed'",
                    (current.channel, current.user_id),
                ) as cur:
                    if await cur.fetchone() is not None:
                        return None
            await conn.execute(
                "UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ?,"
                " closed_at = NULL, closed_by = NULL, active_at = ? WHERE id = ?",
                (staff, now, now, ident),
            )
            await _route(conn, current.channel, current.user_id, ident)
        return await self.get(ident)

    async def close(
        self, ident: int, by: str, now: float, notices: Sequence[tuple[Direction, str]]
    ) -> bool:
        """Close an active handoff and queue ``notices`` (to the visitor, to staff) in the
        same transaction; False when it was not active."""
        async with self._db.tx() as conn:
            cur = await conn.execute(
                "UPDATE handoffs SET status = 'closed', closed_by = ?, closed_at = ?"
                " WHERE id = ? AND status != 'closed'",
                (by, now, ident),
            )
            if not cur.rowcount:
                return False
            await conn.execute("UPDATE users SET handoff = NULL WHERE handoff = ?", (ident,))
            await _queue(conn, ident, notices, None, now)
        return True

    async def quiet_since(self, before: float) -> list[Handoff]:
        """Active handoffs with no message either way since ``before``."""
        rows = await self._db.all(
            f"SELECT {_COLUMNS} FROM handoffs WHERE status != 'closed' AND active_at < ?",
            (before,),
        )
        return [_handoff(r) for r in rows]

    async def listed(self, statuses: Sequence[str], limit: int = 50) -> list[Handoff]:
        rows = await self._db.all(
            f"SELECT {_COLUMNS} FROM handoffs WHERE status IN (SELECT value FROM json_each(?))"
            " ORDER BY id DESC LIMIT ?",
            (_json(statuses), limit),
        )
        return [_handoff(r) for r in rows]

    async def counts(self, since: float) -> HandoffCounts:
        rows = await self._db.all(
            "SELECT status, COUNT(*) FROM handoffs WHERE created_at >= ? GROUP BY status",
            (since,),
        )
        by = {str(r[0]): int(r[1]) for r in rows}
        waits = await self._db.all(
            "SELECT first_reply_at - created_at FROM handoffs"
            " WHERE created_at >= ? AND first_reply_at IS NOT NULL ORDER BY 1",
            (since,),
        )
        median = float(waits[len(waits) // 2][0]) if waits else None
        return HandoffCounts(by.get("open", 0), by.get("claimed", 0), by.get("closed", 0), median)

    # -- messages --------------------------------------------------------------------

    async def add(
        self,
        ident: int,
        direction: Direction,
        text: str,
        now: float,
        author: str | None = None,
    ) -> int:
        """Queue one message of an active handoff (and note the activity); 0 when the
        handoff is closed meanwhile."""
        async with self._db.tx() as conn:
            stamp = ", visitor_at = ?" if direction == "in" else ""
            reply = ", first_reply_at = COALESCE(first_reply_at, ?)" if direction == "out" else ""
            params: list[Any] = [now]
            if stamp or reply:
                params.append(now)
            cur = await conn.execute(
                f"UPDATE handoffs SET active_at = ?{stamp}{reply}"
                " WHERE id = ? AND status != 'closed'",
                (*params, ident),
            )
            if not cur.rowcount:
                return 0
            return await _queue(conn, ident, [(direction, text)], author, now)

    async def note(self, ident: int, text: str, now: float) -> None:
        """Queue a note to the staff chat, whatever the handoff's status."""
        async with self._db.tx() as conn:
            await _queue(conn, ident, [("note", text)], None, now)

    async def pending(self, now: float, limit: int = 100) -> list[Message]:
        """Messages to send now, oldest first; a conversation's later messages wait
        while an earlier one waits for a retry (they would arrive out of order)."""
        rows = await self._db.all(
            f"SELECT {_MESSAGE_COLUMNS} FROM handoff_messages m WHERE status = 'pending'"
            " AND NOT EXISTS (SELECT 1 FROM handoff_messages e WHERE e.handoff_id ="
            " m.handoff_id AND e.status = 'pending' AND e.id < m.id AND e.not_before > ?)"
            " AND not_before <= ? ORDER BY id LIMIT ?",
            (now, now, limit),
        )
        return [_message(r) for r in rows]

    async def done(
        self,
        ident: int,
        status: str,
        now: float,
        reason: str = "",
        staff_message_id: int | None = None,
    ) -> None:
        """Record what became of a message (sent, failed or skipped)."""
        await self._db.write(
            "UPDATE handoff_messages SET status = ?, reason = ?, sent_at = ?,"
            " staff_message_id = COALESCE(?, staff_message_id), attempts = attempts + 1"
            " WHERE id = ?",
            (status, reason or None, now, staff_message_id, ident),
        )

    async def retry_later(self, ident: int, at: float, reason: str) -> int:
        """Keep a message pending until ``at``; returns its attempts so far."""
        await self._db.write(
            "UPDATE handoff_messages SET attempts = attempts + 1, not_before = ?, reason = ?"
            " WHERE id = ?",
            (at, reason, ident),
        )
        row = await self._db.one("SELECT attempts FROM handoff_messages WHERE id = ?", (ident,))
        return int(row[0]) if row is not None else 0

    async def transcript(self, ident: int, limit: int = 200) -> list[Message]:
        rows = await self._db.all(
            f"SELECT {_MESSAGE_COLUMNS} FROM handoff_messages WHERE handoff_id = ?"
            " ORDER BY id LIMIT ?",
            (ident, limit),
        )
        return [_message(r) for r in rows]


async def _queue(
    conn: Any, ident: int, messages: Sequence[tuple[Direction, str]], author: str | None, now: float
) -> int:
    last = 0
    for direction, text in messages:
        cur = await conn.execute(
            "INSERT INTO handoff_messages (handoff_id, direction, text, author, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (ident, direction, text, author, now),
        )
        last = int(cur.lastrowid or 0)
    return last


async def _route(conn: Any, channel: str, user_id: str, ident: int) -> None:
    """Send the visitor's messages to handoff ``ident`` (read with their user row)."""
    await conn.execute(
        "UPDATE users SET handoff = ? WHERE channel = ? AND user_id = ?", (ident, channel, user_id)
    )


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values))
