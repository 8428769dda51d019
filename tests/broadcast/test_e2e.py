"""Staff in Telegram, end to end: the real PTB application polls the fake Bot API, the real
dispatcher routes to the staff handler, the outbox worker sends through a real PTB Bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.broadcast.compose import render
from bot.broadcast.service import Actor
from bot.channels.telegram import TelegramTuning, build_application, run_polling
from bot.channels.telegram_send import RetryPolicy
from tests.broadcast.helpers import STAFF_ID, Clock, Wired, at, running, until, wired
from tests.fakes.telegram_api import Call, FakeTelegram

TUNING = TelegramTuning(retry=RetryPolicy(attempts=2, backoff=0.05, max_flood_wait=2.0))
REFUSAL = "Sorry, this is only for the tourism office staff."


@contextlib.asynccontextmanager
async def polling(w: Wired, fake: FakeTelegram) -> AsyncIterator[None]:
    assert w.app is not None and w.dispatcher is not None
    application = build_application(w.app.settings, w.dispatcher, TUNING)
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(application, stop))
    try:
        await fake.wait_for("getUpdates")
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def say(
    fake: FakeTelegram,
    user: int,
    text: str | None = None,
    *,
    press: str | None = None,
    replies: int = 1,
) -> list[Call]:
    """Send a text (or press a button) as ``user``; return the bot's next ``replies`` messages."""
    before = len([c for c in fake.calls_of("sendMessage") if c.chat_id == user])
    if press is not None:
        fake.push_callback(user, press)
    else:
        assert text is not None
        fake.push_message(user, text)
    calls = await fake.wait_for(
        "sendMessage", lambda c: c.chat_id == user, count=before + replies, timeout=10
    )
    return calls[before:]


def buttons(call: Call) -> list[str]:
    markup: dict[str, Any] = call.params.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


async def test_staff_composes_previews_and_sends_an_announcement(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    clock = Clock(at(2026, 11, 26, 10))
    async with wired(tmp_path, fake, clock, full=True) as w, polling(w, fake):
        await w.add_users([601], topic="province:lang-son", lang="vi")
        await w.add_users([602], topic="province:lang-son", lang="en")
        await w.add_users([603], topic="all", lang="vi")
        await w.add_users([604], topic="province:bac-ninh", lang="vi")
        vi = "Lễ hội hoa đào Mẫu Sơn\nKhai mạc ngày 1/12."
        en = "Mau Son peach blossom festival\nOpens on 1 December."

        [prompt] = await say(fake, STAFF_ID, "/announce")
        assert "Vietnamese" in prompt.text and buttons(prompt) == ["st:s", "st:x"]
        [prompt] = await say(fake, STAFF_ID, vi)
        assert "English" in prompt.text
        [prompt] = await say(fake, STAFF_ID, en)
        assert "st:a:p:lang-son" in buttons(prompt)
        [prompt] = await say(fake, STAFF_ID, press="st:a:p:lang-son")
        assert "st:n" in buttons(prompt)
        summary, preview_vi, preview_en, ask = await say(fake, STAFF_ID, press="st:n", replies=4)
        assert "Recipients now: 3 (2 read Vietnamese, 1 English)" in summary.text
        # The preview is exactly what recipients get.
        assert preview_vi.text == render("announcement", vi, en, "vi")
        assert preview_en.text == render("announcement", vi, en, "en")
        confirm = buttons(ask)[0]
        assert confirm.startswith("st:ok:")

        [done] = await say(fake, STAFF_ID, press=confirm)
        assert "#1 is on its way to 3 recipients" in done.text
        # Pressing the same confirm button again sends nothing twice.
        [again] = await say(fake, STAFF_ID, press=confirm)
        assert "no announcement being written" in again.text

        async with running(w.worker()):
            await until(lambda: w.drained(1))
        assert [c.text for c in w.delivered(601)] == [preview_vi.text]
        assert [c.text for c in w.delivered(602)] == [preview_en.text]
        assert [c.text for c in w.delivered(603)] == [preview_vi.text]
        assert w.delivered(604) == []

        [report] = await say(fake, STAFF_ID, "/announce show 1")
        assert "3 of 3 done: 3 sent, 0 failed, 0 skipped" in report.text


async def test_staff_schedules_with_one_language_then_cancels(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    clock = Clock(at(2026, 11, 26, 10))
    async with wired(tmp_path, fake, clock, full=True) as w, polling(w, fake):
        await w.add_users([701], topic="event:hoi-lim", lang="vi")
        await say(fake, STAFF_ID, "/announce")
        await say(fake, STAFF_ID, press="st:s")  # no Vietnamese text
        await say(fake, STAFF_ID, "Lim festival: buses from Hanoi every hour")
        await say(fake, STAFF_ID, "event:hoi-lim")  # typed audience
        [bad] = await say(fake, STAFF_ID, "tomorrow morning")
        assert "could not read that date" in bad.text
        [past] = await say(fake, STAFF_ID, "2026-11-01 09:00")
        assert "already passed" in past.text
        summary, preview_vi, _en, ask = await say(fake, STAFF_ID, "2026-12-01 09:00", replies=4)
        assert "No Vietnamese text: Vietnamese readers will get the English text" in summary.text
        assert "Sending: 2026-12-01 09:00 (Asia/Ho_Chi_Minh)" in summary.text
        assert "Lim festival: buses" in preview_vi.text and "Thông báo" in preview_vi.text
        [done] = await say(fake, STAFF_ID, press=buttons(ask)[0])
        assert "#1 is scheduled for 2026-12-01 09:00" in done.text

        [question] = await say(fake, STAFF_ID, "/announce cancel 1")
        assert buttons(question) == ["st:cy:1", "st:p:1"]
        [cancelled] = await say(fake, STAFF_ID, press="st:cy:1")
        assert "#1 is cancelled" in cancelled.text
        announcement = await w.bc.outbox.get(1)
        assert announcement is not None and announcement.status == "cancelled"


async def test_visitors_cannot_reach_staff_actions(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake, full=True) as w, polling(w, fake):
        await w.add_users([801], topic="all")
        scheduled = await w.bc.service.create(
            Actor("cli", "t"), "tin", None, w.bc.service.audience("all"), w.clock() + 3600
        )
        visitor = 555
        attempts = [
            "/announce",
            "/stats",
            "/staff",
            "/announce cancel 1",
            "/ANNOUNCE@tour_test_bot",
        ]
        for text in attempts:
            [reply] = await say(fake, visitor, text)
            assert reply.text == REFUSAL
        for forged in ("st:ok:2", "st:cy:1", "st:p:1", "st:a:all", "st:x"):
            [reply] = await say(fake, visitor, press=forged)
            assert reply.text == REFUSAL
        # Plain questions are still answered as usual.
        [answer] = await say(fake, visitor, "hội Lim")
        assert answer.text != REFUSAL

        still = await w.bc.outbox.get(scheduled.id)
        assert still is not None and still.status == "scheduled"
        assert [a.id for a in await w.bc.outbox.recent()] == [scheduled.id]
        log = await w.bc.staff_store.audit_log(100)
        refused = [e for e in log if not e.allowed]
        assert len(refused) == len(attempts) + 5
        # One visitor, under a pseudonym: the audit keeps no visitor's id.
        assert len({e.user_id for e in refused}) == 1
        assert refused[0].user_id.startswith("p:") and str(visitor) not in refused[0].user_id

        # Staff added by an admin (tourbot staff add) may; removed again, they may not.
        await w.bc.staff_store.add("telegram", str(visitor), "cli:admin")
        [prompt] = await say(fake, visitor, "/announce")
        assert "New announcement" in prompt.text
        await w.bc.staff_store.remove("telegram", str(visitor))
        [reply] = await say(fake, visitor, press="st:s")
        assert reply.text == REFUSAL


async def test_stats_sends_a_chart_and_the_numbers(tmp_path: Path, fake: FakeTelegram) -> None:
    async with wired(tmp_path, fake, full=True) as w, polling(w, fake):
        assert w.app is not None
        await w.add_users(range(900, 905), topic="province:lang-son")
        for folded, answered in [
            ("gia ve cap treo yen tu", False),
            ("gia ve cap treo yen tu", False),
            ("cap treo yen tu gia ve", False),
            ("hoi lim", True),
        ]:
            await w.app.questions.record("telegram", "900", folded, "vi", answered, [])
        uploads: list[bytes] = []

        def keep_upload(call: Call) -> None:  # the upload's file closes with the request
            if call.method == "sendPhoto":
                uploads.append(call.params["photo"].file.read())

        fake.on_call = keep_upload
        [text] = await say(fake, STAFF_ID, "/stats 7")
        assert "Statistics of the last 7 days" in text.text
        assert "Users: 6" in text.text  # five subscribers and the staff member
        assert "cap treo gia tu ve yen" not in text.text  # shown as asked, grouped
        assert "gia ve cap treo yen tu — 3× (2 variants)" in text.text
        [photo] = fake.calls_of("sendPhoto")
        assert photo.chat_id == STAFF_ID and "7" in photo.params["caption"]
        [png] = uploads
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


async def test_staff_commands_in_a_group_answer_only_privately(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    group = -700
    async with wired(tmp_path, fake, full=True) as w, polling(w, fake):
        await w.bc.staff_store.add("telegram", "702", "cli:admin")
        for text in ("/stats 7", "/staff", "/announce"):
            fake.push_message(STAFF_ID, text, chat_id=group)
        fake.push_callback(STAFF_ID, "st:s")  # a button of the private chat, elsewhere
        answers = await fake.wait_for("sendMessage", lambda c: c.chat_id == group, count=3)
        assert all("private chat" in c.text for c in answers)
        assert not any("Statistics" in c.text or "702" in c.text for c in answers)
        assert not fake.calls_of("sendPhoto")  # no chart in the group
        # A staff member's next words in the group are not taken for a draft.
        fake.push_message(STAFF_ID, "Where is the Lim festival?", chat_id=group)
        calls = await fake.wait_for("sendMessage", lambda c: c.chat_id == group, count=4)
        assert "Lim" in calls[3].text and "private chat" not in calls[3].text
        # In the private chat, the same commands work.
        [text] = await say(fake, STAFF_ID, "/stats 7")
        assert "Statistics of the last 7 days" in text.text
        assert fake.calls_of("sendPhoto")[0].chat_id == STAFF_ID
