"""The conversation: commands, buttons (including forged ones), locations, languages, forget."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.models import Inbound, Location, Reply


def msg(text: str | None = None, **kw: object) -> Inbound:
    return Inbound(channel="test", user_id="u1", chat_id="u1", text=text, **kw)  # type: ignore[arg-type]


async def say(app: App, text: str | None = None, **kw: object) -> list[Reply]:
    return await app.conversation.handle(msg(text, **kw))


async def test_start_greets_in_the_platform_language(app: App) -> None:
    [reply] = await say(app, "/start", language_hint="en-US")
    assert reply.lang == "en" and "Hello" in reply.text
    assert reply.buttons


async def test_deep_link_opens_the_item(app: App) -> None:
    replies = await say(app, "/start tour-atk-hiep-hoa-dinh-hoa")
    assert replies[-1].items[0].id == "tour-atk-hiep-hoa-dinh-hoa"


async def test_language_choice_is_remembered(app: App) -> None:
    await say(app, "/start", language_hint="vi")
    [reply] = await say(app, payload="lang:en")
    assert reply.lang == "en"
    # An ambiguous message (only a name) now follows the saved preference.
    [reply] = await say(app, "Bac Ninh")
    assert reply.lang == "en"


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "i:",
        "i:no-such-item",
        "p:bac-ninh:place:x",
        "p:a:b",
        "zz",
        "m:hoi-lim",
        "lang:fr",
        "r:chua-dau",
        "forget:maybe",
        "p:bac-ninh:heritage:0",
        "\x00",
        "i:" + "x" * 200,
    ],
)
async def test_forged_or_stale_buttons_get_a_polite_answer(app: App, payload: str) -> None:
    replies = await say(app, payload=payload)
    assert replies and all(r.text for r in replies)


async def test_browse_pages(app: App) -> None:
    [first] = await say(app, payload="p:bac-ninh:place:0")
    labels = [b.payload for row in first.buttons for b in row]
    assert "p:bac-ninh:place:1" in labels  # old Bắc Giang places are in Bắc Ninh now
    [second] = await say(app, payload="p:bac-ninh:place:1")
    assert any(b.payload == "p:bac-ninh:place:0" for row in second.buttons for b in row)
    for reply in (first, second):
        for row in reply.buttons:
            for button in row:
                assert button.payload is None or len(button.payload.encode()) <= 64


async def test_location_returns_nearest_places(app: App) -> None:
    # Near Lim hill, Bắc Ninh.
    [reply] = await say(app, location=Location(21.142, 106.02))
    assert "km" in reply.text
    first = reply.buttons[0][0].payload
    assert first is not None and first.startswith("i:")


async def test_subscribe_and_forget(app: App) -> None:
    await say(app, "/subscribe province:lang-son")
    assert await app.users.subscriptions("test", "u1") == ["province:lang-son"]
    await say(app, "Hội Lim")
    [confirm] = await say(app, "/forget")
    assert any(b.payload == "forget:yes" for row in confirm.buttons for b in row)
    await say(app, payload="forget:yes")
    assert await app.users.get("test", "u1") is None
    assert await app.questions.top_unanswered(30) == []


async def test_unanswered_questions_are_logged_for_staff(app: App) -> None:
    await say(app, "giá vàng hôm nay bao nhiêu")
    await say(app, "Gia vang hom nay bao nhieu?")
    top = await app.questions.top_unanswered(30)
    assert top == [("gia vang hom nay bao nhieu", 2)]


async def test_unknown_command(app: App) -> None:
    [reply] = await say(app, "/frobnicate")
    assert not reply.answered and "/events" in reply.text
