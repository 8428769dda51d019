"""The relay under platform rules and failures: Zalo OA's messaging window, a Bot API
outage (order kept, nothing lost)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.channels.zalo_oa_api import ZaloOaSender
from bot.handoff.relay import Budget
from bot.store.db import connect
from tests.channels.test_zalo_oa import FAST as OA_FAST
from tests.channels.test_zalo_oa import oa_settings
from tests.fakes.telegram_api import Call, FakeTelegram
from tests.fakes.zalo_oa_api import FakeZaloOa
from tests.handoff.conftest import (
    STAFF,
    STAFF_CHAT,
    ask_for_person,
    in_chat,
    running_desk,
    text,
)

pytestmark = pytest.mark.usefixtures("catalogs")
DAY = 86400.0


async def test_zalo_oa_window_is_told_to_staff(tmp_path: Path, fake: FakeTelegram) -> None:
    async with FakeZaloOa() as oa:
        db = await connect(tmp_path / "tourbot.sqlite3")  # the bot's file, as `run` shares it
        sender = ZaloOaSender.create(oa_settings(oa), db, tuning=OA_FAST)
        try:
            async with running_desk(tmp_path, fake, {"zalo-oa": sender}) as desk:
                now = time.time()
                for user, silent in (("old", 8 * DAY), ("quiet", 3 * DAY)):
                    handoff, _new = await desk.handoffs.open("zalo-oa", user, "vi", "?", "", now)
                    await desk.app.db.write(
                        "UPDATE handoffs SET visitor_at = ? WHERE id = ?",
                        (now - silent, handoff.id),
                    )
                    await desk.handoffs.add(handoff.id, "out", f"Phòng du lịch: chào {user}", now)
                await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "hơn 7 ngày"))
                await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "có thể tính phí"))
                sent = await oa.wait_sent(lambda s: s.user_id == "quiet")
                assert [s.text for s in sent] == ["Phòng du lịch: chào quiet"]
                assert oa.texts("old") == []
                (skipped,) = [m for m in await desk.handoffs.transcript(1) if m.direction == "out"]
                assert skipped.status == "skipped"
        finally:
            await sender.close()
            await db.close()


async def test_an_outage_delays_messages_but_keeps_them_in_order(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    visitor = 702
    async with running_desk(tmp_path, fake) as desk:
        thread, _card = await ask_for_person(desk, visitor, "talk to a person", "en")
        fake.outage(1.5)
        for word in ("one", "two", "three"):
            fake.push_message(visitor, word)
        fake.push_message(STAFF, "first", chat_id=STAFF_CHAT, thread_id=thread)
        fake.push_message(STAFF, "second", chat_id=STAFF_CHAT, thread_id=thread)
        relayed = await delivered(fake, STAFF_CHAT, "👤", count=3, within=15)
        assert [text(c) for c in relayed] == ["👤 one", "👤 two", "👤 three"]
        replies = await delivered(fake, visitor, "Tourism office", count=2, within=15)
        assert [text(c) for c in replies] == ["Tourism office: first", "Tourism office: second"]
        failed = [c for c in fake.calls_of("sendMessage") if c.status == 502]
        assert failed  # the outage did hit the relay


async def delivered(
    fake: FakeTelegram,
    chat: int,
    marker: str,
    count: int,
    within: float,
    thread: int | None = None,
) -> list[Call]:
    """The first ``count`` messages the Bot API accepted (200) for ``chat`` with ``marker``
    in their text (and in ``thread``, when given)."""

    def accepted(c: Call) -> bool:
        if thread is not None:
            return c.status == 200 and in_chat(chat, marker, thread)(c)
        return c.status == 200 and c.chat_id == chat and marker in text(c)

    return await fake.wait_for("sendMessage", accepted, count=count, timeout=within)


def test_the_staff_chat_budget_allows_a_burst_then_20_a_minute() -> None:
    now = [0.0]
    budget = Budget(20, 20.0, lambda: now[0])
    assert sum(budget.take() for _ in range(25)) == 20
    now[0] += 2.9
    assert not budget.take()
    now[0] += 0.2  # 3 s after the burst: one more
    assert budget.take() and not budget.take()


async def test_flood_control_in_the_staff_chat_pauses_then_delivers_in_order(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    visitor = 703
    async with running_desk(tmp_path, fake) as desk:
        thread, _card = await ask_for_person(desk, visitor, "talk to a person", "en")
        fake.fail("sendMessage", 429, chat_id=STAFF_CHAT, retry_after=1)
        for word in ("alpha", "beta"):
            fake.push_message(visitor, word)
        relayed = await delivered(fake, STAFF_CHAT, "👤", count=2, within=10, thread=thread)
        assert [text(c) for c in relayed] == ["👤 alpha", "👤 beta"]
        refused = [c for c in fake.calls_of("sendMessage") if c.status == 429]
        assert len(refused) == 1  # one refusal, then the relay waited instead of hammering
        assert relayed[0].time - refused[0].time >= 0.9
