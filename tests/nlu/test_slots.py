"""Slots: provinces (old and new names), trip length, interests, lists, dates, language,
option numbers and follow-up cues."""

from __future__ import annotations

import pytest

from bot.nlu import Aspect, Intent, Understanding
from tests.nlu.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("will it rain in Bac Ninh tomorrow", "bac-ninh"),
        ("thời tiết Lạng Sơn ngày mai", "lang-son"),
        ("thoi tiet lang son ngay mai", "lang-son"),
        ("danh sách địa điểm ở Lạng Sơn", "lang-son"),
        ("các lễ hội ở Bắc Giang", "bac-giang"),
        ("cac le hoi o hai duong", "hai-duong"),
        ("weather in Haiphong", "hai-phong"),
        ("ho ba be o bac can", "bac-kan"),
    ],
)
def test_province(nlu: Understanding, text: str, province: str) -> None:
    assert nlu.understand(text, TODAY).slots.province == province


def test_a_place_name_is_not_a_province(nlu: Understanding) -> None:
    slots = nlu.understand("Chùa Vĩnh Nghiêm ở đâu", TODAY).slots
    assert slots.province is None  # "Vĩnh", not the city of Vinh
    assert slots.items == ("chua-vinh-nghiem",)


@pytest.mark.parametrize(
    ("text", "days", "nights"),
    [
        ("I have 3 days near Hanoi, what do you suggest?", 3, None),
        ("đi chơi 1 ngày từ Hà Nội", 1, None),
        ("gợi ý lịch trình 2 ngày 1 đêm", 2, 1),
        ("goi y lich trinh 2 ngay 1 dem", 2, 1),
        ("di 3n2d o lang son", 3, 2),
        ("we have a long weekend", 3, None),
        ("where should we go for the weekend", 2, None),
        ("a day trip from Hanoi", 1, None),
        ("two days in Nghe An", 2, None),
    ],
)
def test_trip_length(nlu: Understanding, text: str, days: int, nights: int | None) -> None:
    slots = nlu.understand(text, TODAY).slots
    assert (slots.days, slots.nights) == (days, nights)


def test_trip_plan_slots(nlu: Understanding) -> None:
    parse = nlu.understand("I have 3 days near Hanoi, we like history and food", TODAY)
    assert parse.intent is Intent.TRIP_PLAN
    assert parse.slots.from_hanoi
    assert set(parse.slots.interests) == {"history", "food"}
    vi = nlu.understand("đi chơi 1 ngày từ Hà Nội, thích thiên nhiên", TODAY).slots
    assert vi.from_hanoi and vi.interests == ("nature",)


@pytest.mark.parametrize(
    ("text", "kind", "month"),
    [
        ("có những tour nào", "tour", None),
        ("what tours do you have", "tour", None),
        ("danh sách địa điểm ở Lạng Sơn", "place", None),
        ("tháng 2 có lễ hội gì", "event", 2),
        ("thang 2 co le hoi gi", "event", 2),
        ("what events are on in June", "event", 6),
        ("co nhung di san nao", "heritage", None),
    ],
)
def test_list_kind_and_month(nlu: Understanding, text: str, kind: str, month: int | None) -> None:
    parse = nlu.understand(text, TODAY)
    assert parse.intent is Intent.LIST
    assert parse.slots.list_kind == kind
    assert parse.slots.month == month


def test_lunar_year(nlu: Understanding) -> None:
    parse = nlu.understand("Tết 2027 là ngày nào", TODAY)
    assert parse.intent is Intent.LUNAR_DATE
    assert parse.slots.year == 2027
    assert parse.slots.window is not None and parse.slots.window.label == "tet"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("in English please", "en"),
        ("can you answer in English please?", "en"),
        ("tra loi bang tieng anh dc ko", "en"),
        ("nói tiếng Việt đi", "vi"),
        ("switch to Vietnamese", "vi"),
    ],
)
def test_target_language(nlu: Understanding, text: str, lang: str) -> None:
    parse = nlu.understand(text, TODAY)
    assert parse.intent is Intent.SWITCH_LANGUAGE
    assert parse.slots.target_lang == lang


@pytest.mark.parametrize(
    ("text", "option"),
    [("2", 2), ("số 2", 2), ("so 3", 3), ("cái thứ hai", 2), ("the second one", 2), ("#4", 4)],
)
def test_option_number(nlu: Understanding, text: str, option: int) -> None:
    parse = nlu.understand(text, TODAY)
    assert parse.slots.option == option
    assert parse.intent is Intent.QUESTION


def test_a_number_inside_a_question_is_no_option(nlu: Understanding) -> None:
    assert nlu.understand("tour 2 ngày ở Lạng Sơn", TODAY).slots.option is None


@pytest.mark.parametrize(
    ("text", "aspect", "anaphora", "ellipsis"),
    [
        ("how far is it from Hanoi?", Aspect.DISTANCE, True, True),
        ("cách tp Thái Nguyên bao xa", Aspect.DISTANCE, False, True),  # from there, to it
        ("which province is that in now?", Aspect.WHERE, True, False),
        ("từ Hà Nội đi Lạng Sơn bao xa", Aspect.DISTANCE, False, False),
        ("when is its festival?", Aspect.WHEN, True, True),
        ("mấy ngày?", Aspect.DURATION, False, True),
        ("bao xa?", Aspect.DISTANCE, False, True),
        ("khi nào?", Aspect.WHEN, False, True),
        ("when?", Aspect.WHEN, False, True),
        ("how far?", Aspect.DISTANCE, False, True),
        ("gần đó có gì", Aspect.NEARBY, True, True),
        ("what's nearby", Aspect.NEARBY, False, True),
        ("nó ở đâu", Aspect.WHERE, True, True),
        ("ở đó có gì ăn", None, True, False),
        ("chỗ đó mở cửa mấy giờ", Aspect.HOURS, True, True),
        ("how do I get there?", Aspect.DIRECTIONS, True, True),
        ("giá bao nhiêu", Aspect.PRICE, False, True),
        ("chùa Dâu ở đâu", Aspect.WHERE, False, False),
    ],
)
def test_follow_up(
    nlu: Understanding, text: str, aspect: Aspect | None, anaphora: bool, ellipsis: bool
) -> None:
    slots = nlu.understand(text, TODAY).slots
    assert (slots.aspect, slots.anaphora, slots.ellipsis) == (aspect, anaphora, ellipsis)
    assert slots.follow_up == (anaphora or ellipsis)


@pytest.mark.parametrize(
    "text",
    ["nó được trùng tu khi nào", "no duoc cong nhan chua", "nó thờ vị tướng nào", "no xay bang gi"],
)
def test_no_before_a_verb_points_back(nlu: Understanding, text: str) -> None:
    assert nlu.understand(text, TODAY).slots.anaphora


def test_is_there_is_no_pronoun(nlu: Understanding) -> None:
    assert not nlu.understand("is there a festival in Lang Son", TODAY).slots.anaphora
    assert not nlu.understand("will it rain tomorrow", TODAY).slots.anaphora
