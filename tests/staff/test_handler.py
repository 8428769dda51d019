"""The staff handler through the real dispatcher: who may do what, the compose steps, their
checks, and stale or repeated confirmations. (End to end over Telegram: tests/broadcast.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import i18n
from bot.broadcast.compose import MAX_BODY
from bot.core.feature import Turn
from bot.core.models import Inbound, Reply
from bot.store.users import User
from tests.broadcast.helpers import STAFF_ID, Wired, wired
from tests.conftest import TODAY

STAFF = str(STAFF_ID)


@pytest.fixture(autouse=True)
def catalogs() -> Iterator[None]:
    i18n.load_catalogs()
    yield


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[Wired]:
    async with wired(tmp_path, None, full=True) as bundle:
        yield bundle


async def say(
    w: Wired,
    text: str | None = None,
    *,
    press: str | None = None,
    user: str = STAFF,
    channel: str = "telegram",
    lang: str = "en",
) -> list[Reply]:
    assert w.dispatcher is not None
    msg = Inbound(channel, user, user, text=text, payload=press, language_hint=lang)
    return await w.dispatcher.handle(msg)


async def compose(w: Wired, vi: str | None, en: str | None, audience: str = "all") -> list[Reply]:
    await say(w, "/announce")
    await (say(w, vi) if vi else say(w, press="st:s"))
    await (say(w, en) if en else say(w, press="st:s"))
    await say(w, audience)
    return await say(w, press="st:n")


async def test_who_is_staff(w: Wired) -> None:
    refusal = "Sorry, this is only for the tourism office staff."
    [reply] = await say(w, "/announce", user="77")
    assert reply.text == refusal and not reply.answered
    # TOURBOT_STAFF_IDS are Telegram ids: the same id on another channel is someone else.
    [reply] = await say(w, "/announce", channel="zalo")
    assert reply.text == refusal
    await w.bc.staff_store.add("zalo", STAFF, "cli:admin")
    [reply] = await say(w, "/announce", channel="zalo")
    assert reply.text.startswith("New announcement")
    [reply] = await say(w, "/announce")
    assert reply.text.startswith("New announcement")


async def test_staff_replies_follow_the_staff_language(w: Wired) -> None:
    [reply] = await say(w, "/announce", lang="vi")
    assert reply.text.startswith("Thông báo mới.")


async def test_only_staff_drafts_capture_plain_text(w: Wired) -> None:
    assert w.staff is not None
    staff = w.staff

    def msg(text: str | None = None, payload: str | None = None, user: str = STAFF) -> Turn:
        inbound = Inbound("telegram", user, user, text=text, payload=payload)
        return Turn(inbound, User("telegram", user, "vi", False, False), "vi", TODAY)

    assert not await staff.claims(msg("hội Lim ở đâu"))  # no draft: a question
    assert await staff.claims(msg("/stats"))
    assert await staff.claims(msg(payload="st:anything", user="77"))  # refused inside
    assert not await staff.claims(msg(payload="i:hoi-lim"))
    await say(w, "/announce")
    assert await staff.claims(msg("Nội dung thông báo"))
    assert not await staff.claims(msg("Nội dung", user="77"))


async def test_compose_checks_texts_audience_and_time(w: Wired) -> None:
    await say(w, "/announce")
    [reply] = await say(w, "x" * (MAX_BODY + 1))
    assert "too long" in reply.text
    await say(w, press="st:s")
    [reply, again] = await say(w, press="st:s")  # neither language: start over
    assert "at least one language" in reply.text and "Vietnamese" in again.text
    await say(w, "Nội dung")
    await say(w, press="st:s")
    await w.users.touch("telegram", "5", "vi")
    await w.users.subscribe("telegram", "5", "event:hoi-lim")  # pressed "Remind me"
    [reply] = await say(w, press="st:e:a")
    labels = {b.payload: b.label for row in reply.buttons for b in row}
    assert labels["st:a:e:hoi-lim"] == "Lim Festival (event) · 1"
    [reply] = await say(w, "province:atlantis")
    assert "“province:atlantis”" in reply.text
    [reply] = await say(w, "lang-son")  # a bare province id is understood
    assert "schedule" in reply.text
    summary, vi, en, ask = await say(w, press="st:n")
    assert "No English text: English readers will get the Vietnamese text" in summary.text
    assert "Nobody has subscribed to this audience yet" in summary.text
    assert "Nội dung" in vi.text and "Nội dung" in en.text and "Announcement" in en.text
    assert ask.buttons[0][0].payload is not None and ask.buttons[0][0].payload.startswith("st:ok:")


async def test_a_stale_preview_cannot_be_confirmed(w: Wired) -> None:
    await w.add_users([1, 2])
    *_, ask = await compose(w, "Bản một", "Version one")
    stale = ask.buttons[0][0].payload
    await say(w, press="st:e:vi")
    await say(w, "Bản hai")  # back to the preview with the new text
    [reply] = await say(w, press=stale)
    assert reply.text == "This preview is out of date."
    assert await w.bc.outbox.recent() == []
    *_, ask = await compose(w, "Bản ba", "Version three")
    [reply] = await say(w, press=ask.buttons[0][0].payload)
    assert "on its way to 2 recipients" in reply.text
    [announcement] = await w.bc.outbox.recent()
    assert announcement.text_vi == "Bản ba"


async def test_discard_list_usage_and_stats_without_a_chart(w: Wired) -> None:
    await say(w, "/announce")
    [reply] = await say(w, press="st:x")
    assert reply.text == "The draft is discarded."
    [reply] = await say(w, "when is the Lim festival")  # no draft any more: a question
    assert "announcement" not in reply.text.lower()
    [reply] = await say(w, "/announce list")
    assert reply.text.startswith("No announcements yet")
    [reply] = await say(w, "/announce frobnicate")
    assert "/announce list" in reply.text
    [reply] = await say(w, "/stats", channel="telegram")  # no Telegram sender: no chart
    assert reply.text.startswith("📊 Statistics of the last 30 days")
    [reply] = await say(w, "/staff")
    assert f"telegram:{STAFF}" in reply.text
    log = await w.bc.staff_store.audit_log()
    assert {"announce.start", "announce.discard", "stats", "staff.help"} <= {e.action for e in log}
