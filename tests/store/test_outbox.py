"""The outbox store: one transaction per announcement, audiences, leases, and a real
``kill -9`` of a worker process mid-broadcast followed by a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.broadcast.service import Actor
from bot.store.db import connect
from bot.store.outbox import NewAnnouncement, StaleDraft
from tests.broadcast.helpers import wired

CLI = Actor("cli", "tester")


async def test_announcement_and_its_rows_commit_together(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        await w.add_users(range(1, 501))
        reader = await connect(w.bc.settings.db)
        seen: list[tuple[int, int]] = []

        async def watch() -> None:  # another connection, as the bot process would be
            while not seen or seen[-1][0] == 0:
                row = await reader.one(
                    "SELECT (SELECT COUNT(*) FROM announcements), (SELECT COUNT(*) FROM deliveries)"
                )
                assert row is not None
                seen.append((int(row[0]), int(row[1])))
                await asyncio.sleep(0)

        watcher = asyncio.create_task(watch())
        try:
            created = await w.bc.service.create(
                CLI, "tin", None, w.bc.service.audience("all"), None
            )
            await asyncio.wait_for(watcher, 5)
        finally:
            await reader.close()
        assert created.total == 500
        assert all(rows == (0 if n == 0 else 500) for n, rows in seen)

        # A stale draft (already confirmed, or edited since the preview) writes nothing.
        with pytest.raises(StaleDraft):
            await w.bc.service.create(
                Actor("telegram", "9"), "x", None, w.bc.service.audience("all"), None, draft_rev=3
            )
        assert [a.id for a in await w.bc.outbox.recent()] == [created.id]


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("all", {"all", "lang-son", "bac-ninh", "bac-giang", "hoi-lim", "tag"}),
        ("province:lang-son", {"all", "lang-son"}),
        # Bắc Giang merged into Bắc Ninh in 2025: news for one reaches both.
        ("province:bac-ninh", {"all", "bac-ninh", "bac-giang"}),
        ("event:hoi-lim", {"hoi-lim"}),
        ("tag:festival", {"all", "tag"}),
        ("province:lang-son event:hoi-lim", {"all", "lang-son", "hoi-lim"}),
    ],
)
async def test_audiences(tmp_path: Path, audience: str, expected: set[str]) -> None:
    topics = {
        "all": "all",
        "lang-son": "province:lang-son",
        "bac-ninh": "province:bac-ninh",
        "bac-giang": "province:bac-giang",
        "hoi-lim": "event:hoi-lim",
        "tag": "tag:festival",
    }
    async with wired(tmp_path, None) as w:
        for n, topic in enumerate(topics.values()):
            await w.add_users([n], topic=topic)
        await w.add_users([99], topic="province:lang-son")
        await w.users.mark_blocked("telegram", "99")  # blocked: in no audience
        created = await w.bc.service.create(CLI, "tin", None, w.bc.service.audience(audience), None)
        rows = await w.bc.db.all(
            "SELECT user_id FROM deliveries WHERE announcement_id = ?", (created.id,)
        )
        got = {int(r[0]) for r in rows}
        names = list(topics)
        assert {names[i] for i in got} == expected


async def test_reminder_is_created_once_per_occurrence(tmp_path: Path) -> None:
    async with wired(tmp_path, None) as w:
        await w.add_users([1, 2], topic="event:hoi-lim")
        new = NewAnnouncement(
            "nhắc", "remind", "event:hoi-lim", ("event:hoi-lim",), "reminders", 0.0,
            kind="reminder", ref="reminder:hoi-lim:2027-02-18",
        )  # fmt: skip
        first = await w.bc.outbox.ensure_reminder(new, 10.0)
        again = await w.bc.outbox.ensure_reminder(new, 11.0)
        assert first[1] == 2 and again == (first[0], 0)
        await w.add_users([3], topic="event:hoi-lim")  # subscribed later: topped up
        assert await w.bc.outbox.ensure_reminder(new, 12.0) == (first[0], 1)
