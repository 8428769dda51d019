"""What a question is about and how much of an answer it wants, through the real
conversation on the bundled content: places outside the region, facilities the content
never lists, names quoted in the question, one-fact questions, exact dates of events set
each year, distances from the table, and what lies near the subject. The questions here
are not those of the evaluation sets."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import App
from bot.core.dates import lunar_day_reply
from bot.core.intent import Intent, asks_one_fact, intents
from bot.text.fold import fold
from tests.core.test_conversation import say

# -- places outside the region ------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Hà Giang có gì đẹp?",
        "ha giang co gi an ko ad",  # the chat fillers go, "ha" of "Hà Giang" stays
        "lễ hội ở Hà Giang",
        "What can I see in Hue?",
        "Đà Nẵng có gì chơi",
        "di vinh ha long mat bao lau",
    ],
)
async def test_a_place_outside_the_region_is_not_answered_with_a_look_alike(
    app: App, question: str
) -> None:
    [reply] = await say(app, question)
    assert not reply.answered, reply.text
    assert not reply.items
    assert "bac giang" in fold(reply.text)  # says which provinces it does know


async def test_a_name_of_an_item_that_contains_such_a_place_is_still_answered(app: App) -> None:
    [reply] = await say(app, "Hạ Long trên cạn ở đâu?")
    assert reply.answered and reply.items[0].id == "ho-cam-son"


# -- facilities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "item", "said"),
    [
        ("Is there a toilet at Phat Tich pagoda?", "chua-phat-tich", "toilets"),
        ("chùa Bút Tháp có wifi không", "chua-but-thap", "wi-fi"),
        ("den do co cho gui xe o to khong", "den-do", "gui xe"),
    ],
)
async def test_a_facility_the_content_does_not_mention_is_not_known(
    app: App, question: str, item: str, said: str
) -> None:
    [reply] = await say(app, question)
    assert not reply.answered
    assert [i.id for i in reply.items] == [item]
    assert said in fold(reply.text)
    assert "yes" not in fold(reply.text).split()


async def test_a_facility_the_item_speaks_of_is_answered_from_its_text(app: App) -> None:
    [reply] = await say(app, "hội đền Mẫu Đồng Đăng có chỗ gửi xe không")
    assert reply.answered
    assert reply.items[0].id == "le-hoi-den-mau-dong-dang"


# -- which item, how much of it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("vi giam duoc unesco cong nhan nam nao", "vi-giam"),
        ("moc ban vinh nghiem duoc unesco cong nhan nam nao", "moc-ban-vinh-nghiem"),
    ],
)
async def test_the_item_the_question_names_comes_first(app: App, question: str, item: str) -> None:
    [reply] = await say(app, question)
    assert reply.answered and reply.items[0].id == item


async def test_a_stop_word_is_not_mended_into_a_name(app: App) -> None:
    engine = app.engine
    assert engine is not None
    result = await engine.index.search(engine.docs, "is there a night train to Vinh")
    assert "tp" not in [t.token for t in result.terms]  # "to Vinh" is not "TP Vinh"


@pytest.mark.parametrize(
    "question", ["When did Hai Duong merge into Hai Phong?", "đền Đô thờ bao nhiêu vị vua?"]
)
async def test_a_one_fact_question_gets_a_short_answer(app: App, question: str) -> None:
    assert asks_one_fact(fold(question))
    [reply] = await say(app, question)
    assert reply.answered
    assert len(reply.text) <= 500, reply.text
    assert "see also" not in fold(reply.text) and "xem them" not in fold(reply.text)


async def test_the_exact_day_of_an_event_set_each_year_is_not_made_up(app: App) -> None:
    [reply] = await say(app, "What is the exact date of the Cua Lo beach season opening?")
    text = fold(reply.text)
    assert reply.items[0].id == "khai-truong-bien-cua-lo"
    assert "not been announced" in text
    assert "5-30 april" not in text.replace("–", "-") and "around" not in text


def test_tourism_is_not_a_calendar_and_tasty_is_about_food() -> None:
    assert Intent.WHEN not in intents("bac ninh du lich co gi hay")
    assert Intent.WHEN in intents("lich le hoi thang gieng")
    assert Intent.FOOD in intents("nghe an co mon gi ngon khong")


def test_todays_lunar_date_also_in_figures() -> None:
    reply = lunar_day_reply(dt.date(2027, 2, 20), "en")
    assert "(15/1 in the lunar calendar)" in reply.text
    vi = lunar_day_reply(dt.date(2027, 2, 20), "vi")
    assert "15 tháng Giêng âm lịch" in vi.text


# -- distances and what is near -------------------------------------------------------------


async def test_directions_quote_the_distance_table_when_it_gives_another_figure(
    app: App,
) -> None:
    [reply] = await say(app, "How far is Cua Lo beach from Hanoi?")
    text = fold(reply.text)
    assert "300 km" in text  # the place's own way there
    assert "distance table" in text and "290 km" in text


async def test_near_the_subject_lists_the_nearest_and_what_it_is_combined_with(
    app: App,
) -> None:
    await say(app, "đền Cuông")
    [reply] = await say(app, "gần đó có gì")
    text = fold(reply.text)
    assert "gan den cuong nhat" in text
    assert "ket hop" in text and "cua lo" in text
