"""The staff statistics as data: users, subscriptions, deliveries, questions folded and
grouped so that variants of one question count together, and visitors' votes on answers."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.loader import ContentPack
from bot.store.feedback import FeedbackReport, Rated, UnhelpfulAnswer
from bot.store.handoffs import HandoffCounts
from bot.store.reports import DeliveryRow, QuestionGroup, QuestionRow, Reports, UserCounts
from bot.text.question_key import question_key

# Unhelpful answers follow the unanswered questions: "kind" tells them apart; their times
# are the 👎, their comments what visitors wrote was missing.
UNANSWERED_COLUMNS = "question times_unanswered variants last_asked examples kind answer comments"


@dataclass(frozen=True, slots=True)
class StaffStats:
    days: int
    users: UserCounts
    topics: list[tuple[str, int]]
    deliveries: list[DeliveryRow]
    top_questions: list[QuestionGroup]
    top_unanswered: list[QuestionGroup]
    per_day: list[tuple[dt.date, int, int]]  # (local date, answered, unanswered), every day
    feedback: FeedbackReport  # votes on the answers shown in the period
    handoffs: HandoffCounts | None = None


def group_questions(
    rows: list[QuestionRow], *, unanswered_only: bool = False
) -> list[QuestionGroup]:
    """Group ``Reports.questions`` rows in Python: the command line's report does; the
    bot's /stats uses ``Reports.question_groups``, which groups in SQL off the loop."""
    groups: dict[str, list[QuestionRow]] = {}
    for row in rows:
        if unanswered_only and not row.unanswered:
            continue
        groups.setdefault(question_key(row.folded), []).append(row)
    out = []

    def count(row: QuestionRow) -> int:
        return row.unanswered if unanswered_only else row.asked

    for members in groups.values():
        members.sort(key=lambda r: (-count(r), r.folded))
        out.append(
            QuestionGroup(
                label=members[0].folded,
                asked=sum(count(r) for r in members),
                unanswered=sum(r.unanswered for r in members),
                variants=len(members),
                last_asked=max(r.last_asked for r in members),
                examples=tuple(r.folded for r in members[:5]),
            )
        )
    out.sort(key=lambda g: (-g.asked, g.label))
    return out


def since_iso(now: float, days: int) -> str:
    """The question log's UTC timestamp format, ``days`` before ``now``."""
    start = dt.datetime.fromtimestamp(now - days * 86400, dt.UTC)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_offset(now: float, timezone: str) -> str:
    """An SQLite date modifier for the zone's offset at ``now`` ("+420 minutes")."""
    offset = dt.datetime.fromtimestamp(now, ZoneInfo(timezone)).utcoffset() or dt.timedelta()
    return f"{int(offset.total_seconds() // 60):+d} minutes"


async def collect(
    reports: Reports, now: float, days: int, timezone: str, *, top: int = 10, announcements: int = 8
) -> StaffStats:
    since = since_iso(now, days)
    per_day = {
        dt.date.fromisoformat(day): (answered, unanswered)
        for day, answered, unanswered in await reports.questions_per_day(
            since, utc_offset(now, timezone)
        )
    }
    today = dt.datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    first = today - dt.timedelta(days=days - 1)
    filled = [
        (day, *per_day.get(day, (0, 0)))
        for day in (first + dt.timedelta(days=n) for n in range(days))
    ]
    return StaffStats(
        days=days,
        users=await reports.users(since),
        topics=await reports.topics(),
        deliveries=await reports.deliveries(announcements),
        top_questions=await reports.question_groups(since, limit=top),
        top_unanswered=await reports.question_groups(since, unanswered_only=True, limit=top),
        per_day=filled,
        feedback=await reports.feedback.report(since, top=top),
        handoffs=await reports.handoffs(now - days * 86400),
    )


async def export_unanswered(reports: Reports, now: float, days: int, path: Path) -> int:
    """Write every unanswered question group of the last ``days`` days as CSV, then the
    answers visitors marked unhelpful (kind "unhelpful": the times are 👎, the comments
    what was missing); returns the number of rows."""
    since = since_iso(now, days)
    groups = await reports.question_groups(since, unanswered_only=True)
    unhelpful = (await reports.feedback.report(since)).worst
    await asyncio.to_thread(_write_csv, path, groups, unhelpful)
    return len(groups) + len(unhelpful)


def _write_csv(
    path: Path, groups: list[QuestionGroup], unhelpful: tuple[UnhelpfulAnswer, ...]
) -> None:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(UNANSWERED_COLUMNS.split())
        for g in groups:
            examples = " | ".join(g.examples)
            row = [g.label, g.asked, g.variants, g.last_asked, examples]
            writer.writerow([*row, "unanswered", "", ""])
        for a in unhelpful:
            examples = " | ".join(a.examples)
            row = [a.question, a.unhelpful, len(a.examples), a.last_at, examples]
            writer.writerow([*row, "unhelpful", a.item_id, " | ".join(a.comments)])


async def export_feedback(
    reports: Reports, now: float, days: int, path: Path, pack: ContentPack
) -> int:
    """Write every rated answer of the last ``days`` days as CSV, newest vote first;
    returns the number of rows."""
    rated = await reports.feedback.rated(since_iso(now, days))
    await asyncio.to_thread(_write_feedback_csv, path, rated, pack)
    return len(rated)


def _write_feedback_csv(path: Path, rated: list[Rated], pack: ContentPack) -> None:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(
            ["voted_at", "vote", "lang", "question", "item_id", "item", "shown", "comment"]
        )
        for r in rated:
            item = pack.items.get(r.item_id)
            name = item.name.get(r.lang) if item is not None else ""
            vote = "helpful" if r.helpful else "unhelpful"
            row = [r.voted_at, vote, r.lang, r.asked, r.item_id, name, " ".join(r.shown)]
            writer.writerow([*row, r.comment or ""])
