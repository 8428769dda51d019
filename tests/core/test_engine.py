"""The answering engine on the bundled content: languages, typos, dates, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import App
from bot.core.models import Inbound
from bot.text.fold import fold
from tests.conftest import TODAY


async def ask(app: App, text: str, today: dt.date = TODAY, lang: str | None = None):  # type: ignore[no-untyped-def]
    return (await app.engine.answer(text, today, lang=lang)).reply


@pytest.mark.parametrize(
    ("question", "lang", "item"),
    [
        ("Chùa Vĩnh Nghiêm có gì đặc biệt?", "vi", "chua-vinh-nghiem"),
        ("chua vinh nghiem co gi dac biet", "vi", "chua-vinh-nghiem"),
        ("Tell me about Vinh Nghiem pagoda", "en", "chua-vinh-nghiem"),
        ("chua vinh nghiemm", "vi", "chua-vinh-nghiem"),
        ("quan hoj bac ninh", "vi", "quan-ho"),
        ("Đông Hồ paintings", "en", "tranh-dong-ho"),
        ("dong kinh chu o dau", "vi", "dong-kinh-chu"),
    ],
)
async def test_finds_the_item_in_either_language(
    app: App, question: str, lang: str, item: str
) -> None:
    reply = await ask(app, question)
    assert reply.answered, reply.text
    assert reply.lang == lang
    assert item in [i.id for i in reply.items][:2]


async def test_accentless_and_accented_give_the_same_answer(app: App) -> None:
    a = await ask(app, "Lễ hội Lồng Tồng ở đâu?")
    b = await ask(app, "le hoi long tong o dau")
    assert a.items[0].id == b.items[0].id == "le-hoi-long-tong-atk-dinh-hoa"


async def test_event_answer_gives_next_occurrence_in_both_calendars(app: App) -> None:
    reply = await ask(app, "hoi lim bao gio")
    event = reply.items[0]
    assert event.id == "hoi-lim"
    assert (event.start, event.end) == (dt.date(2027, 2, 17), dt.date(2027, 2, 18))
    assert "18 tháng 2, 2027" in reply.text
    assert "tháng Giêng" in reply.text


async def test_past_festival_is_shown_with_next_years_dates(app: App) -> None:
    reply = await ask(app, "When is the Ong Hoang Muoi temple festival?")
    event = next(i for i in reply.items if i.id == "le-hoi-den-ong-hoang-muoi")
    assert event.start is not None and event.start.year == 2027
    assert "2026" not in reply.text


async def test_month_question_lists_only_events_in_that_month(app: App) -> None:
    reply = await ask(app, "lễ hội tháng 2 năm 2027")
    events = [i for i in reply.items if i.kind == "event"]
    assert len(events) >= 3
    for event in events:
        assert event.start is not None and event.end is not None
        assert event.start <= dt.date(2027, 2, 28) and event.end >= dt.date(2027, 2, 1)
    assert [e.start for e in events] == sorted(e.start for e in events)  # type: ignore[type-var]


async def test_merger_old_and_new_names(app: App) -> None:
    reply = await ask(app, "Bắc Giang bây giờ thuộc tỉnh nào?")
    assert "bac ninh" in fold(reply.text)
    reply = await ask(app, "Is Hai Duong part of Hai Phong now?")
    assert reply.lang == "en" and "hai phong" in fold(reply.text)


@pytest.mark.parametrize(
    "question",
    [
        "giá vàng hôm nay",
        "capital of France",
        "thời tiết Hà Nội ngày mai",
        "asdfgh jkl",
        "Bitcoin price",
    ],
)
async def test_out_of_scope_is_refused_politely(app: App, question: str) -> None:
    reply = await ask(app, question)
    assert not reply.answered
    assert reply.items == ()
    assert reply.buttons  # offers what it can do


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🎉🎉🎉",
        "\x00\x01\x02",
        "x" * 10_000,
        'lim" OR "a',
        "NEAR(lim quan)",
        "*",
        "Лим 你好",
    ],
)
async def test_bad_input_gets_a_reply(app: App, text: str) -> None:
    reply = await ask(app, text)
    assert reply.text


async def test_lunar_today(app: App) -> None:
    reply = await ask(app, "Hôm nay là ngày bao nhiêu âm lịch?")
    assert "âm lịch" in reply.text
    assert "2026" in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "Đà Lạt mùa nào đẹp nhất?",
        "Sa Pa có gì chơi?",
        "Things to do in Bangkok",
        "Tokyo Disneyland",
    ],
)
async def test_a_place_we_do_not_cover_is_not_answered_with_a_neighbour(
    app: App, question: str
) -> None:
    reply = await ask(app, question)
    assert not reply.answered, reply.text


async def test_a_named_province_favours_its_own_items(app: App) -> None:
    reply = await ask(app, "o bac giang an gi ngon")
    assert reply.items[0].id == "dac-san-bac-giang"


async def test_english_word_forms_meet_the_content(app: App) -> None:
    reply = await ask(app, "Who are presstrips organised for?")
    assert reply.answered and reply.lang == "en"
    assert "journalist" in fold(reply.text)


async def test_countdown_to_a_festival(app: App) -> None:
    reply = await ask(app, "How many days until the Lim festival?", today=dt.date(2027, 2, 10))
    assert reply.items[0].id == "hoi-lim"
    assert reply.text.startswith("In 7 days.")
    reply = await ask(app, "còn bao nhiêu ngày nữa đến Hội Lim", today=dt.date(2027, 2, 17))
    assert reply.text.startswith("Đang diễn ra")


async def test_a_day_range_lists_the_events_in_it(app: App) -> None:
    reply = await ask(app, "events between 10 and 20 February 2027")
    # 24 festivals fall in those days since the content grew: the list is paged, and
    # every page belongs to the answer.
    replies = [reply]
    while nexts := [
        b.payload
        for row in replies[-1].buttons
        for b in row
        if b.payload and b.payload.startswith("pg:") and b.label.endswith("»")
    ]:
        assert app.conversation is not None
        replies += await app.conversation.handle(Inbound("test", "u", "u", payload=nexts[0]))
    events = [i for r in replies for i in r.items if i.kind == "event"]
    assert {"hoi-lim", "le-hoi-den-duom"} <= {e.id for e in events}
    for event in events:
        assert event.start is not None and event.end is not None
        assert event.start <= dt.date(2027, 2, 20) and event.end >= dt.date(2027, 2, 10)


@pytest.mark.parametrize(
    ("question", "item"),
    [("ATK Dinh Hao o dau", "atk-dinh-hoa"), ("where is Lim hil", "doi-lim")],
)
async def test_a_typo_that_is_itself_a_word_is_mended_inside_a_name(
    app: App, question: str, item: str
) -> None:
    reply = await ask(app, question)
    assert reply.answered and reply.items[0].id == item
