import pytest

from bot.search.lang import detect_language, guess_language

NAMES = [
    "luc ngan",
    "yen the",
    "hoi lim",
    "tranh dong ho",
    "thai nguyen",
    "bac giang",
    "bac ninh",
    "quan ho",
    "tay yen tu",
    "hiep hoa",
    "truc lam",
    "then",
]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Lễ hội Đền Đuổm diễn ra khi nào?", "vi"),
        ("le hoi den duom dien ra khi nao", "vi"),
        ("cho minh hoi ve le hoi quan ho", "vi"),
        ("hoi thao nghi le then", "vi"),
        ("thanh pho vinh co gi choi", "vi"),
        ("tour atk keo dai may ngay", "vi"),
        ("Yên Thế festival 2027", "vi"),
        ("What is the Trúc Lâm route?", "en"),
        ("things to do in Thai Nguyen", "en"),
        ("Is Bac Giang part of Bac Ninh now?", "en"),
        ("Lục Ngạn lychee", "en"),
        ("Tay Yen Tu cable car", "en"),
        ("qwerty uiop", "en"),
    ],
)
def test_detects_language(text: str, lang: str) -> None:
    assert detect_language(text, None, "vi", NAMES) == lang


def test_names_alone_follow_the_saved_preference() -> None:
    assert guess_language("Bac Ninh", ["bac ninh"]).lang is None
    assert detect_language("Bac Ninh", "en", "vi", ["bac ninh"]) == "en"
    assert detect_language("tranh dong ho", None, "en", NAMES) == "vi"


def test_clear_message_beats_preference() -> None:
    assert detect_language("where is Lim hill?", "vi", "vi", NAMES) == "en"
    assert detect_language("đồi Lim ở đâu", "en", "en", NAMES) == "vi"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hat xoan phu tho tihn nao", "vi"),  # "tihn": tinh, two letters swapped
        ("chua but thap o dua", "vi"),  # "dua": a syllable anyway
        ("nhge quan ho o dau", "vi"),  # "nhge": nghe
        ("where is teh pagoda", "en"),  # English typos stay English
        ("when does the festival strat", "en"),
    ],
)
def test_a_swapped_pair_of_letters_keeps_vietnamese_vietnamese(text: str, lang: str) -> None:
    assert detect_language(text, None, "en") == lang
