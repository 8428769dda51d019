"""Button labels cut at a word boundary, marks kept."""

from __future__ import annotations

import unicodedata

from bot.core.labels import ELLIPSIS, short


def test_short_text_is_kept_whole() -> None:
    assert short("Hội Lim", 40) == "Hội Lim"


def test_long_text_is_cut_after_a_whole_word() -> None:
    text = "Tour 3 ngày 2 đêm Nghệ An: Vinh – Cửa Lò – Kim Liên – đền Cuông"
    label = short(text, 40)
    assert len(label) <= 40 and label.endswith(ELLIPSIS)
    kept = label.removesuffix(ELLIPSIS).split()
    assert kept == text.split()[: len(kept)]  # only whole words, none cut


def test_decomposed_marks_are_not_lost() -> None:
    nfd = unicodedata.normalize("NFD", "Lễ hội chùa Vĩnh Nghiêm hội chùa La rất đông vui")
    label = short(nfd, 24)
    assert label == "Lễ hội chùa Vĩnh Nghiêm…"


def test_one_word_longer_than_the_limit_is_cut_inside() -> None:
    assert short("x" * 50, 10) == "x" * 9 + ELLIPSIS
