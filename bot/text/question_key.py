"""The grouping key of a logged question: its content words, in sorted order."""

from __future__ import annotations

from bot.text.fold import tokens
from bot.text.stopwords import STOPWORDS


def question_key(folded: str) -> str:
    """Content words, sorted: "le hoi lim khi nao" and "khi nao hoi lim" group together."""
    words = sorted({t for t in tokens(folded) if t not in STOPWORDS})
    return " ".join(words) or folded
