"""The conversation in context: intents before retrieval, follow-ups against the subject,
numbers that pick options, and a dialogue state that survives a restart but not /forget.
Real app, real SQLite file; nothing patched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.core.models import Reply
from bot.text.fold import fold
from tests.conftest import TODAY, make_settings, say


def joined(replies: list[Reply]) -> str:
    return fold(" ".join(r.text for r in replies))


@pytest.mark.parametrize(
    ("text", "lang"),
    [("cảm ơn bạn", "vi"), ("ok cam on ad", "vi"), ("ok thanks", "en"), ("bye bye", "en")],
)
async def test_small_talk_is_answered_in_its_language_and_never_logged(
    app: App, text: str, lang: str
) -> None:
    [reply] = await say(app, text)
    assert reply.lang == lang and not reply.items
    rows = await app.db.all("SELECT folded FROM questions")
    assert rows == []  # not a question the staff should see as unanswered


@pytest.mark.parametrize(
    "text",
    ["will it rain in Bac Ninh tomorrow", "thời tiết Lạng Sơn ngày mai", "thoi tiet mau son"],
)
async def test_weather_is_declined_not_answered_with_a_page(app: App, text: str) -> None:
    replies = await say(app, text)
    assert not replies[0].answered and not replies[0].items
    assert "du bao" in joined(replies) or "forecast" in joined(replies)


async def test_booking_says_it_cannot_and_offers_the_place(app: App) -> None:
    replies = await say(app, "đặt giúp tôi phòng khách sạn ở Mẫu Sơn")
    assert not replies[0].answered and "dat phong" in joined(replies[:1])
    assert replies[-1].items[0].id == "mau-son"


async def test_switch_language_by_asking(app: App) -> None:
    [reply] = await say(app, "Hội Lim ở đâu?")
    assert reply.lang == "vi"
    [reply] = await say(app, "can you answer in English please?")
    assert reply.lang == "en"
    [reply] = await say(app, "Bac Ninh")  # undecided: the explicit choice holds
    assert reply.lang == "en"


async def test_a_list_names_every_item_and_pages_the_buttons(app: App) -> None:
    [first] = await say(app, "có những tour nào")
    assert first.text.count("•") == len(first.items) == 8
    pages = [b.payload for row in first.buttons for b in row if b.payload and "pg:" in b.payload]
    assert pages  # 14 tours: a second page
    [second] = await say(app, payload=pages[-1])
    tours = {i.id for i in first.items} | {i.id for i in second.items}
    assert len(tours) == 14 and all(i.kind == "tour" for i in second.items)


async def test_a_list_by_province_keeps_to_it(app: App) -> None:
    [reply] = await say(app, "danh sách địa điểm ở Lạng Sơn")
    pack = app.pack
    assert reply.items and all("lang-son" in pack.items[i.id].provinces for i in reply.items)


def durations(app: App, reply: Reply) -> list[int]:
    return [app.pack.items[i.id].duration_days for i in reply.items]  # type: ignore[union-attr]


async def test_trip_plans_fit_the_days(app: App) -> None:
    [reply] = await say(app, "I have 3 days near Hanoi, what do you suggest?")
    assert reply.items and reply.items[0].kind == "tour"
    # Three 3-day tours, all in provinces near Hanoi (not Nghệ An); no day trip padding.
    assert durations(app, reply) == [3, 3, 3]
    assert "tour-3-ngay-nghe-an" not in [i.id for i in reply.items]
    [reply] = await say(app, "đi chơi 1 ngày từ Hà Nội", user="v2")
    assert durations(app, reply) == [1, 1, 1]


async def test_a_trip_in_a_province_gets_its_tours_then_shorter_ones_to_combine(app: App) -> None:
    [reply] = await say(app, "3 ngay 2 dem o Nghe An")
    assert [i.id for i in reply.items] == ["tour-3-ngay-nghe-an", "tour-kim-lien-lang-sen"]
    assert "Ngắn hơn, để ghép thêm:" in reply.text


async def test_no_tour_that_long_offers_the_longest_shorter_ones(app: App) -> None:
    [reply] = await say(app, "co 4 ngay thi di dau")
    assert durations(app, reply) == [3, 3, 3]
    assert reply.text.startswith("Chưa có tour nào dài đúng 4 ngày")


async def test_follow_ups_resolve_to_the_subject(app: App) -> None:
    [about] = await say(app, "Tell me about Côn Sơn")
    assert about.items[0].id == "con-son"
    replies = await say(app, "when is its festival?")
    assert replies[0].items and replies[0].items[0].kind == "event"
    assert "con son" in fold(replies[0].items[0].title)


async def test_nearby_follow_up_lists_other_places(app: App) -> None:
    await say(app, "chùa Vĩnh Nghiêm")
    [reply] = await say(app, "gần đó có gì")
    assert "chua-vinh-nghiem" not in {b.payload for row in reply.buttons for b in row}
    assert reply.text.count("km") >= 3


async def test_remind_me_subscribes_to_the_subject_festival(app: App) -> None:
    await say(app, "Hội Lim")
    [reply] = await say(app, "nhắc tôi")
    rows = await app.db.all("SELECT topic FROM subscriptions WHERE user_id = 'v1'")
    assert [r[0] for r in rows] == ["event:hoi-lim"] and "hoi lim" in fold(reply.text)


async def test_numbers_pick_options_and_wrong_numbers_say_which_are_valid(app: App) -> None:
    [menu] = await say(app, "/start")
    offered = [b.payload for row in menu.buttons for b in row if b.payload]
    [reply] = await say(app, str(len(offered) + 6))
    assert not reply.answered and f"1 đến {len(offered)}" in reply.text
    [reply] = await say(app, "2")  # the second button: tours
    assert reply.buttons and reply.text == (await say(app, payload=offered[1], user="v9"))[0].text


async def test_state_survives_a_restart_and_forget_deletes_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = await build_app(settings, lambda: TODAY)
    try:
        await say(first, "Tell me about Côn Sơn")
    finally:
        await first.close()  # flushes the pending state
    second = await build_app(settings, lambda: TODAY)
    try:
        replies = await say(second, "when is its festival?")
        assert replies[0].items[0].kind == "event"
        await say(second, "/forget")
        await say(second, payload="forget:yes")
        row = await second.db.one("SELECT dialogue FROM users WHERE user_id = 'v1'")
        assert row is None
        [reply] = await say(second, "1")  # nothing is on offer any more
        assert "1 đến" not in reply.text
    finally:
        await second.close()


async def test_a_quiet_chat_starts_afresh(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, TOURBOT_DIALOGUE_TTL_MINUTES="0.0001")
    app = await build_app(settings, lambda: TODAY)
    try:
        await say(app, "Tell me about Côn Sơn")
        await asyncio.sleep(0.05)  # longer than the 6 ms quiet period
        replies = await say(app, "when is its festival?")
        assert all(not i.id.startswith("le-hoi-xuan-con-son") for r in replies for i in r.items)
    finally:
        await app.close()


async def test_how_far_from_a_city_is_about_the_subject(app: App) -> None:
    await say(app, "làng bánh chưng Bờ Đậu")
    [reply] = await say(app, "cách tp Thái Nguyên bao xa")
    assert reply.items[0].id == "lang-banh-chung-bo-dau"
    assert "8 km" in reply.text  # the village's own figure, not the table from Hanoi
    await say(app, "den ong hoang muoi", user="v2")
    [reply] = await say(app, "cach vinh bao xa", user="v2")
    assert reply.items[0].id == "den-ong-hoang-muoi" and "2 km" in reply.text


async def test_from_one_province_to_another_is_no_follow_up(app: App) -> None:
    await say(app, "làng bánh chưng Bờ Đậu")
    [reply] = await say(app, "từ Hà Nội đi Lạng Sơn bao xa")
    assert reply.items[0].id != "lang-banh-chung-bo-dau"


async def test_the_best_time_of_a_tour_on_request(app: App) -> None:
    await say(app, "tour Kim Liên Làng Sen")
    [reply] = await say(app, "tháng mấy đi đẹp nhất")
    assert reply.items[0].id == "tour-kim-lien-lang-sen"
    assert "Thời điểm đẹp: Tháng 5" in reply.text
