import pytest

from bot.search.stem import stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("organised", "organis"),
        ("organized", "organis"),
        ("reorganisation", "reorganis"),
        ("specialities", "specialty"),
        ("specialties", "specialty"),
        ("provinces", "province"),
        ("presstrips", "presstrip"),
        ("happened", "happen"),
        ("cross", "cross"),
    ],
)
def test_english_forms_meet(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize("syllable", ["thanh", "nghe", "hoi", "nguyen", "khuong", "lim"])
def test_vietnamese_syllables_are_untouched(syllable: str) -> None:
    assert stem(syllable) == syllable
