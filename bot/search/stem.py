"""A light English suffix stripper for folded tokens, so "organised" meets "organise"."""

from __future__ import annotations

from functools import lru_cache

from bot.search.syllable import is_vietnamese_syllable

# Longest first; (suffix, replacement). Enough for the words visitors type, no more.
_RULES = (
    ("isations", "is"),
    ("izations", "is"),
    ("isation", "is"),
    ("ization", "is"),
    ("ations", "at"),
    ("ation", "at"),
    ("ialities", "ialty"),  # "specialities" and "specialties" meet
    ("iality", "ialty"),
    ("ities", "ity"),
    ("ised", "is"),
    ("ized", "is"),
    ("ising", "is"),
    ("izing", "is"),
    ("ises", "is"),
    ("izes", "is"),
    ("ise", "is"),
    ("ize", "is"),
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("s", ""),
)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The stem of an English-looking token; Vietnamese syllables and short words as they are.

    Vietnamese syllables never end in these suffixes' letters the same way ("thanh",
    "nghe"), and a token shaped like a syllable is left alone anyway.
    """
    if len(token) < 4 or not token.isalpha() or is_vietnamese_syllable(token):
        return token
    for suffix, replacement in _RULES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            if suffix == "s" and token.endswith("ss"):
                return token
            return token[: -len(suffix)] + replacement
    return token


def stem_tokens(words: list[str]) -> list[str]:
    return [stem(w) for w in words]
