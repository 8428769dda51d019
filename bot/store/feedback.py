"""Visitors' feedback on content answers: the answers shown with "helpful? 👍 / 👎", the
votes, what was missing, and the staff's view of them (rates per item, worst answers)."""

from __future__ import annotations

import enum
import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Db
from bot.store.questions import PRUNE_BATCH, PRUNE_EVERY
from bot.store.retention import cutoff, delete_older
from bot.text.fold import tokens
from bot.text.question_key import question_key

log = logging.getLogger(__name__)

TEXT_CHARS = 500  # of a question or a comment, as the question log keeps them
EXAMPLES = 5  # questions as typed kept per worst-rated answer
RATED_LIMIT = 20_000  # rated answers read for one report (votes are rare: a bound, not a cut)


class VoteOutcome(enum.Enum):
    COUNTED = "counted"
    REPEATED = "repeated"  # the visitor's own answer, already rated
    UNKNOWN = "unknown"  # no such answer for this visitor: forged, someone else's, pruned


@dataclass(frozen=True, slots=True)
class Rated:
    """One rated answer (newest first in ``Feedback.rated``)."""

    voted_at: str
    lang: str
    asked: str
    qkey: str
    item_id: str
    shown: tuple[str, ...]
    helpful: bool
    comment: str | None


@dataclass(frozen=True, slots=True)
class ItemRating:
    """The votes on the answers about one item."""

    item_id: str
    helpful: int
    unhelpful: int

    @property
    def votes(self) -> int:
        return self.helpful + self.unhelpful

    @property
    def rate(self) -> float:
        """The share of votes that said helpful (0.0 to 1.0)."""
        return self.helpful / self.votes if self.votes else 0.0


@dataclass(frozen=True, slots=True)
class UnhelpfulAnswer:
    """Answers about one item to one question (its variants grouped), marked unhelpful at
    least once; ``question`` as the latest visitor typed it, ``comments`` newest first."""

    question: str
    item_id: str
    unhelpful: int
    helpful: int
    last_at: str
    comments: tuple[str, ...]
    examples: tuple[str, ...]  # the questions as typed, each once, newest first


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """Feedback on the answers shown in a period: ``items`` and ``worst`` worst first."""

    shown: int
    helpful: int
    unhelpful: int
    items: tuple[ItemRating, ...]
    worst: tuple[UnhelpfulAnswer, ...]

    @property
    def votes(self) -> int:
        return self.helpful + self.unhelpful


class Feedback:
    """Repository over the ``feedback`` table.

    Rows older than ``retention_days`` (the question log's) are deleted as new ones are
    written (0 keeps them all).
    """

    def __init__(self, db: Db, retention_days: int = 180) -> None:
        self._db = db
        self._retention_days = retention_days
        self._opened = 0

    async def open(
        self, channel: str, user_id: str, lang: str, asked: str, shown: Sequence[str]
    ) -> int | None:
        """Store an answer about ``shown[0]`` shown with the prompt; its id, or None when
        the database refused the write (the answer then goes out without the prompt)."""
        asked = asked[:TEXT_CHARS]
        try:
            done = await self._db.write(
                "INSERT INTO feedback (channel, user_id, lang, asked, qkey, item_id, shown)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    user_id,
                    lang,
                    asked,
                    question_key(" ".join(tokens(asked))),
                    shown[0],
                    " ".join(shown),
                ),
            )
        except sqlite3.OperationalError as exc:  # locked, read-only, full: still answer
            log.warning("feedback: prompt not stored, database refused the write: %s", exc)
            return None
        self._opened += 1
        if self._retention_days > 0 and self._opened % PRUNE_EVERY == 1:
            try:
                await self.prune(time.time())
            except Exception:  # kept a little longer: not worth failing an answer
                log.exception("feedback: pruning failed")
        return done.lastrowid

    async def vote(self, ask_id: int, channel: str, user_id: str, helpful: bool) -> VoteOutcome:
        """Count a vote on answer ``ask_id`` if it is this visitor's and not rated yet."""
        done = await self._db.write(
            "UPDATE feedback SET vote = ?, voted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE id = ? AND channel = ? AND user_id = ? AND vote IS NULL",
            (int(helpful), ask_id, channel, user_id),
        )
        if done.rowcount:
            return VoteOutcome.COUNTED
        row = await self._db.one(
            "SELECT 1 FROM feedback WHERE id = ? AND channel = ? AND user_id = ?",
            (ask_id, channel, user_id),
        )
        return VoteOutcome.REPEATED if row is not None else VoteOutcome.UNKNOWN

    async def comment(self, ask_id: int, channel: str, user_id: str, text: str) -> bool:
        """Keep what was missing from answer ``ask_id``: only this visitor's, only after a
        👎, only once. A refused write is logged, not raised: the message goes on."""
        try:
            done = await self._db.write(
                "UPDATE feedback SET comment = ? WHERE id = ? AND channel = ? AND user_id = ?"
                " AND vote = 0 AND comment IS NULL",
                (text.strip()[:TEXT_CHARS], ask_id, channel, user_id),
            )
        except sqlite3.OperationalError as exc:
            log.warning("feedback: comment not stored, database refused the write: %s", exc)
            return False
        return done.rowcount > 0

    async def prune(self, now: float, batch: int = PRUNE_BATCH) -> int:
        """Delete up to ``batch`` rows older than the retention; returns how many."""
        before = cutoff(now, self._retention_days)
        return await delete_older(self._db, "feedback", "created_at", before, batch)

    # -- the staff's view ------------------------------------------------------------

    async def rated(self, since: str) -> list[Rated]:
        """Every answer shown since ``since`` (UTC, as the question log) and rated, newest
        vote first."""
        rows = await self._db.all(
            "SELECT voted_at, lang, asked, qkey, item_id, shown, vote, comment FROM feedback"
            " WHERE created_at >= ? AND vote IS NOT NULL ORDER BY voted_at DESC, id DESC LIMIT ?",
            (since, RATED_LIMIT),
        )
        return [
            Rated(at, lang, asked, qkey, item, tuple(shown.split()), bool(vote), comment)
            for at, lang, asked, qkey, item, shown, vote, comment in rows
        ]

    async def report(self, since: str, *, top: int | None = None) -> FeedbackReport:
        """Counts, the rate per item and the worst-rated answers since ``since``; at most
        ``top`` of each list."""
        row = await self._db.one("SELECT COUNT(*) FROM feedback WHERE created_at >= ?", (since,))
        shown = int(row[0]) if row is not None else 0
        return summarize(shown, await self.rated(since), top)


def summarize(shown: int, rated: Sequence[Rated], top: int | None = None) -> FeedbackReport:
    """The report of ``rated`` (newest first), ``top`` rows of each list at most."""
    items: dict[str, list[int]] = {}
    groups: dict[tuple[str, str], list[Rated]] = {}
    for r in rated:
        counts = items.setdefault(r.item_id, [0, 0])
        counts[0 if r.helpful else 1] += 1
        groups.setdefault((r.qkey, r.item_id), []).append(r)
    ratings = sorted(
        (ItemRating(i, h, u) for i, (h, u) in items.items()),
        key=lambda x: (x.rate, -x.votes, x.item_id),
    )
    worst = []
    for (_key, item_id), members in groups.items():
        down = [m for m in members if not m.helpful]
        if down:
            worst.append(
                UnhelpfulAnswer(
                    question=down[0].asked,
                    item_id=item_id,
                    unhelpful=len(down),
                    helpful=len(members) - len(down),
                    last_at=down[0].voted_at,
                    comments=tuple(m.comment for m in down if m.comment),
                    examples=tuple(dict.fromkeys(m.asked for m in down))[:EXAMPLES],
                )
            )
    worst.sort(key=lambda w: w.last_at, reverse=True)  # the latest first among equals
    worst.sort(key=lambda w: (-w.unhelpful, w.helpful))
    helpful = sum(1 for r in rated if r.helpful)
    return FeedbackReport(
        shown=shown,
        helpful=helpful,
        unhelpful=len(rated) - helpful,
        items=tuple(ratings[:top]),
        worst=tuple(worst[:top]),
    )
