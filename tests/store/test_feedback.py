"""The feedback repository: a vote counts once and only on the visitor's own answer, a
comment only after a 👎, /forget and retention delete rows, and the staff's report."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Db, connect
from bot.store.feedback import Feedback, VoteOutcome
from bot.store.questions import Questions
from bot.store.users import Users

SINCE = "2000-01-01T00:00:00Z"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Db]:
    conn = await connect(tmp_path / "f.sqlite3")
    yield conn
    await conn.close()


async def rows(db: Db) -> list[tuple[object, ...]]:
    found = await db.all("SELECT id, channel, user_id, vote, comment FROM feedback ORDER BY id")
    return [tuple(r) for r in found]


async def test_an_answer_is_stored_with_its_question_items_and_language(db: Db) -> None:
    store = Feedback(db)
    ask = await store.open("telegram", "7", "vi", "Chùa Dâu ở đâu?", ["chua-dau", "hoi-dau"])
    assert ask is not None
    row = await db.one("SELECT lang, asked, qkey, item_id, shown, vote FROM feedback")
    assert row is not None
    # The key is the question log's: content words ("dau" is also "đâu", where: dropped).
    assert tuple(row) == ("vi", "Chùa Dâu ở đâu?", "chua", "chua-dau", "chua-dau hoi-dau", None)


async def test_a_vote_counts_once_and_only_for_its_own_visitor(db: Db) -> None:
    store = Feedback(db)
    ask = await store.open("telegram", "7", "en", "Where is Dau Pagoda?", ["chua-dau"])
    assert ask is not None
    before = await rows(db)
    # Someone else, the same id on another channel, an id that does not exist.
    assert await store.vote(ask, "telegram", "8", helpful=False) is VoteOutcome.UNKNOWN
    assert await store.vote(ask, "zalo-bot", "7", helpful=False) is VoteOutcome.UNKNOWN
    assert await store.vote(ask + 1, "telegram", "7", helpful=False) is VoteOutcome.UNKNOWN
    assert await rows(db) == before
    assert await store.vote(ask, "telegram", "7", helpful=True) is VoteOutcome.COUNTED
    assert await store.vote(ask, "telegram", "7", helpful=False) is VoteOutcome.REPEATED
    [(_id, _c, _u, vote, _comment)] = await rows(db)
    assert vote == 1  # the first vote stands


async def test_a_comment_only_follows_the_visitors_own_thumbs_down(db: Db) -> None:
    store = Feedback(db)
    liked = await store.open("telegram", "7", "en", "q1", ["chua-dau"])
    disliked = await store.open("telegram", "7", "en", "q2", ["hoi-lim"])
    assert liked is not None and disliked is not None
    await store.vote(liked, "telegram", "7", helpful=True)
    assert not await store.comment(disliked, "telegram", "7", "before any vote")
    await store.vote(disliked, "telegram", "7", helpful=False)
    assert not await store.comment(liked, "telegram", "7", "on a 👍")
    assert not await store.comment(disliked, "telegram", "8", "someone else")
    assert await store.comment(disliked, "telegram", "7", "  no opening hours  ")
    assert not await store.comment(disliked, "telegram", "7", "a second one")
    comments = [r[4] for r in await rows(db)]
    assert comments == [None, "no opening hours"]


async def test_forget_deletes_the_visitors_feedback_only(db: Db) -> None:
    store, users = Feedback(db), Users(db)
    for user in ("7", "8"):
        await users.touch("telegram", user, "vi")
        ask = await store.open("telegram", user, "vi", "q", ["chua-dau"])
        assert ask is not None
        await store.vote(ask, "telegram", user, helpful=False)
        await store.comment(ask, "telegram", user, f"comment of {user}")
    await users.forget("telegram", "7")
    assert [r[2] for r in await rows(db)] == ["8"]


async def test_rows_older_than_the_retention_are_pruned(db: Db) -> None:
    store = Questions(db, retention_days=30).feedback()
    old = await store.open("telegram", "7", "vi", "q", ["chua-dau"])
    new = await store.open("telegram", "7", "vi", "q", ["chua-dau"])
    await db.write("UPDATE feedback SET created_at = '2001-01-01T00:00:00Z' WHERE id = ?", (old,))
    assert await store.prune(time.time()) == 1
    assert [r[0] for r in await rows(db)] == [new]


async def test_the_report_rates_items_and_ranks_the_worst_answers(db: Db) -> None:
    store = Feedback(db)
    votes = [
        ("Chùa Dâu ở đâu?", "chua-dau", False, "thiếu giờ mở cửa"),
        ("chùa dâu ở đâu", "chua-dau", False, None),
        ("Where is Dau Pagoda?", "chua-dau", True, None),
        ("Hội Lim khi nào?", "hoi-lim", True, None),
        ("Hội Lim khi nào?", "hoi-lim", False, "không có giá vé"),
        ("Đồi Lim", "doi-lim", True, None),
    ]
    for user, (asked, item, helpful, comment) in enumerate(votes):
        ask = await store.open("telegram", str(user), "vi", asked, [item])
        assert ask is not None
        await store.vote(ask, "telegram", str(user), helpful)
        if comment:
            await store.comment(ask, "telegram", str(user), comment)
    await store.open("telegram", "99", "vi", "never rated", ["doi-lim"])

    report = await store.report(SINCE)
    assert (report.shown, report.helpful, report.unhelpful) == (7, 3, 3)
    rates = [(i.item_id, i.helpful, i.unhelpful) for i in report.items]
    assert rates == [("chua-dau", 1, 2), ("hoi-lim", 1, 1), ("doi-lim", 1, 0)]
    worst = report.worst[0]
    # "Chùa Dâu ở đâu?" and "chùa dâu ở đâu" are one question; the English one another.
    assert (worst.item_id, worst.unhelpful, worst.helpful) == ("chua-dau", 2, 0)
    assert worst.comments == ("thiếu giờ mở cửa",)
    assert set(worst.examples) == {"Chùa Dâu ở đâu?", "chùa dâu ở đâu"}
    assert [(w.item_id, w.unhelpful, w.helpful) for w in report.worst[1:]] == [("hoi-lim", 1, 1)]
    assert report.worst[1].comments == ("không có giá vé",)
    top = await store.report(SINCE, top=1)
    assert len(top.items) == len(top.worst) == 1
    assert await store.report("2999-01-01T00:00:00Z") == type(report)(0, 0, 0, (), ())
