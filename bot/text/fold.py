"""Text folding shared by the index and the queries: one function, used everywhere."""

from __future__ import annotations

import re
import unicodedata

_TOKEN_RE = re.compile(r"[0-9a-z]+")
# Control characters and other non-printing code points are dropped before anything else.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
# Combining marks (the blocks Unicode puts them in): one regex pass is far faster than
# testing every character with unicodedata.combining, and fold runs on every item at start.
_MARKS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Fold Vietnamese/English text for matching: NFD, strip marks, đ→d, casefold.

    "Hội Lim" and "hoi lim" fold to the same string, so a visitor who types without
    diacritics reaches the same content as one who types with them.
    """
    text = _CONTROL_RE.sub(" ", text)
    text = text.replace("đ", "d").replace("Đ", "D")
    if text.isascii():
        return text.casefold()
    stripped = _MARKS_RE.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped).casefold()


def tokens(text: str) -> list[str]:
    """Folded word tokens (ASCII letters and digits) of ``text``."""
    return _TOKEN_RE.findall(fold(text))
