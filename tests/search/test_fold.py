from bot.search.syllable import is_vietnamese_syllable
from bot.text.fold import fold, tokens


def test_fold_removes_marks_and_d_bar() -> None:
    assert fold("Hội Lim") == "hoi lim"
    assert fold("ĐỀN ĐUỔM") == "den duom"
    assert fold("Thái Nguyên") == fold("thai nguyen")
    assert fold("Ngọc\u0301") == "ngoc"  # stray combining marks go too


def test_fold_drops_control_characters() -> None:
    assert tokens("a\x00b\u200bc") == ["a", "b", "c"]


def test_tokens_are_ascii_words() -> None:
    assert tokens("Côn Sơn – Kiếp Bạc, 5–7 km!") == ["con", "son", "kiep", "bac", "5", "7", "km"]
    assert tokens("🎉🎉") == []


def test_syllables() -> None:
    for word in ["nghieng", "nguyen", "khuong", "quyen", "gieng", "truong", "khuya", "huou"]:
        assert is_vietnamese_syllable(word), word
    for word in ["things", "festival", "lychee", "qwerty", "what", "car"]:
        assert not is_vietnamese_syllable(word), word
