"""Read-only aggregates for the staff reports: users, subscriptions, deliveries, questions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.store.db import Db
from bot.store.feedback import Feedback
from bot.store.handoffs import HandoffCounts, Handoffs
from bot.text.question_key import question_key

# Rows logged before question keys were stored get theirs this many at a time.
BACKFILL_BATCH = 500
EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class UserCounts:
    total: int
    blocked: int
    subscribers: int
    active: int  # seen since the report's start


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """One announcement's delivery counts; ``reasons`` are (status, reason, n)."""

    id: int
    kind: str
    status: str
    audience: str
    created_at: float
    total: int
    sent: int
    failed: int
    skipped: int
    open: int
    reasons: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True, slots=True)
class QuestionRow:
    folded: str
    asked: int
    unanswered: int
    last_asked: str


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Questions with the same content words, whatever their order or filler words."""

    label: str  # the variant asked most often
    asked: int
    unanswered: int
    variants: int
    last_asked: str
    examples: tuple[str, ...]


# Per variant (folded text) of each key, its counts; ranked within its group; then one
# row per group. In "unanswered" mode a variant counts its unanswered asks, and variants
# always answered are left out. All in SQLite, on aiosqlite's thread: the event loop
# only sees the groups asked for.
_GROUPS_SQL = """
WITH variants AS (
    SELECT qkey, folded, COALESCE(MAX(asked), folded) AS shown, COUNT(*) AS asked,
        SUM(answered = 0) AS unanswered, MAX(asked_at) AS last_asked
    FROM questions WHERE asked_at >= :since GROUP BY qkey, folded
), counted AS (
    SELECT *, CASE WHEN :unanswered THEN unanswered ELSE asked END AS n
    FROM variants WHERE NOT :unanswered OR unanswered > 0
), ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY qkey ORDER BY n DESC, folded) AS rank
    FROM counted
), groups AS (
    SELECT qkey, SUM(n) AS asked, SUM(unanswered) AS unanswered, COUNT(*) AS variants,
        MAX(last_asked) AS last_asked, MAX(CASE WHEN rank = 1 THEN shown END) AS label
    FROM ranked GROUP BY qkey
), top AS (
    SELECT * FROM groups ORDER BY asked DESC, label LIMIT :limit
)
SELECT top.qkey, top.label, top.asked, top.unanswered, top.variants, top.last_asked,
    ranked.shown
FROM top JOIN ranked ON ranked.qkey = top.qkey AND ranked.rank <= :examples
ORDER BY top.asked DESC, top.label, ranked.rank
"""


class Reports:
    """Aggregate queries; ``since`` arguments are UTC ISO times like the question log's."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self.feedback = Feedback(db)  # votes and comments on answers (read here, not written)

    async def handoffs(self, since: float) -> HandoffCounts:
        """Conversations handed to staff since ``since`` (epoch seconds)."""
        return await Handoffs(self._db).counts(since)

    async def users(self, since: str) -> UserCounts:
        row = await self._db.one(
            "SELECT COUNT(*), COALESCE(SUM(blocked), 0),"
            " COALESCE(SUM(last_seen >= ?), 0),"
            " (SELECT COUNT(*) FROM (SELECT DISTINCT channel, user_id FROM subscriptions))"
            " FROM users",
            (since,),
        )
        assert row is not None
        return UserCounts(
            total=int(row[0]), blocked=int(row[1]), active=int(row[2]), subscribers=int(row[3])
        )

    async def topics(self) -> list[tuple[str, int]]:
        """Subscriptions per topic ("all", "province:<id>", "event:<id>", "tag:<tag>")."""
        rows = await self._db.all(
            "SELECT topic, COUNT(*) FROM subscriptions GROUP BY topic ORDER BY 2 DESC, 1"
        )
        return [(str(t), int(n)) for t, n in rows]

    async def deliveries(self, limit: int) -> list[DeliveryRow]:
        """The latest ``limit`` announcements with their delivery counts and reasons."""
        rows = await self._db.all(
            """
            SELECT a.id, a.kind, a.status, a.audience, a.created_at, a.total,
                COALESCE(SUM(d.status = 'sent'), 0), COALESCE(SUM(d.status = 'failed'), 0),
                COALESCE(SUM(d.status = 'skipped'), 0),
                COALESCE(SUM(d.status IN ('pending', 'sending')), 0)
            FROM (SELECT * FROM announcements ORDER BY id DESC LIMIT ?) a
            LEFT JOIN deliveries d ON d.announcement_id = a.id
            GROUP BY a.id ORDER BY a.id DESC
            """,
            (limit,),
        )
        reason_rows = await self._db.all(
            """
            SELECT announcement_id, status, reason, COUNT(*) FROM deliveries
            WHERE announcement_id IN (SELECT id FROM announcements ORDER BY id DESC LIMIT ?)
              AND status IN ('failed', 'skipped') AND reason IS NOT NULL
            GROUP BY 1, 2, 3 ORDER BY 4 DESC
            """,
            (limit,),
        )
        reasons: dict[int, list[tuple[str, str, int]]] = {}
        for ident, status, reason, n in reason_rows:
            reasons.setdefault(int(ident), []).append((str(status), str(reason), int(n)))
        return [
            DeliveryRow(
                id=int(r[0]),
                kind=str(r[1]),
                status=str(r[2]),
                audience=str(r[3]),
                created_at=float(r[4]),
                total=int(r[5]),
                sent=int(r[6]),
                failed=int(r[7]),
                skipped=int(r[8]),
                open=int(r[9]),
                reasons=tuple(reasons.get(int(r[0]), ())),
            )
            for r in rows
        ]

    async def questions(self, since: str) -> list[QuestionRow]:
        """Every distinct folded question asked since ``since``, most asked first."""
        rows = await self._db.all(
            "SELECT folded, COUNT(*), SUM(answered = 0), MAX(asked_at) FROM questions"
            " WHERE asked_at >= ? GROUP BY folded ORDER BY 2 DESC, 1",
            (since,),
        )
        return [QuestionRow(str(f), int(n), int(u), str(last)) for f, n, u, last in rows]

    async def question_groups(
        self, since: str, *, unanswered_only: bool = False, limit: int | None = None
    ) -> list[QuestionGroup]:
        """Questions asked since ``since`` grouped by content words, most asked first
        (in ``unanswered_only`` mode: most often unanswered); the first ``limit`` groups."""
        await self._backfill_keys()
        rows = await self._db.all(
            _GROUPS_SQL,
            {
                "since": since,
                "unanswered": int(unanswered_only),
                "limit": -1 if limit is None else limit,
                "examples": EXAMPLES,
            },
        )
        groups: list[QuestionGroup] = []
        key = None
        for qkey, label, asked, unanswered, variants, last, folded in rows:
            if qkey != key:
                key = qkey
                group = QuestionGroup(
                    str(label), int(asked), int(unanswered), int(variants), str(last), ()
                )
                groups.append(group)
            groups[-1] = _with_example(groups[-1], str(folded))
        return groups

    async def _backfill_keys(self) -> None:
        """Give rows logged before keys were stored theirs, a batch per hop, so that the
        event loop computes at most ``BACKFILL_BATCH`` keys between two of its turns."""
        while True:
            rows = await self._db.all(
                "SELECT id, folded FROM questions WHERE qkey IS NULL LIMIT ?", (BACKFILL_BATCH,)
            )
            if not rows:
                return
            keys = [(question_key(str(folded)), int(ident)) for ident, folded in rows]
            async with self._db.tx() as conn:
                await conn.executemany("UPDATE questions SET qkey = ? WHERE id = ?", keys)
            await asyncio.sleep(0)

    async def questions_per_day(self, since: str, utc_offset: str) -> list[tuple[str, int, int]]:
        """(local date, answered, unanswered) per day; ``utc_offset`` like '+7 hours'."""
        rows = await self._db.all(
            "SELECT date(asked_at, ?), SUM(answered != 0), SUM(answered = 0) FROM questions"
            " WHERE asked_at >= ? GROUP BY 1 ORDER BY 1",
            (utc_offset, since),
        )
        return [(str(d), int(a), int(u)) for d, a, u in rows]


def _with_example(group: QuestionGroup, folded: str) -> QuestionGroup:
    return QuestionGroup(
        group.label,
        group.asked,
        group.unanswered,
        group.variants,
        group.last_asked,
        (*group.examples, folded),
    )
