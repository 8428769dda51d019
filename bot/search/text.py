"""Text folding shared by the index and the queries: one function, used everywhere."""

from __future__ import annotations

import re
import unicodedata

_TOKEN_RE = re.compile(r"[0-9a-z]+")
# Control characters and other non-printing code points are dropped before anything else.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def fold(text: str) -> str:
    """Fold Vietnamese/English text for matching: NFD, strip marks, đ→d, casefold.

    "Hội Lim" and "hoi lim" fold to the same string, so a visitor who types without
    diacritics reaches the same content as one who types with them.
    """
    text = _CONTROL_RE.sub(" ", text)
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def tokens(text: str) -> list[str]:
    """Folded word tokens (ASCII letters and digits) of ``text``."""
    return _TOKEN_RE.findall(fold(text))
