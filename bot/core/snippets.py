"""The sentences of an item's text that answer a question, for a short reply."""

from __future__ import annotations

import re

from bot.content.schema import Dish, Item, Place, Tour
from bot.core.labels import ELLIPSIS
from bot.i18n import current_lang
from bot.i18n import gettext as _
from bot.search.stem import stem
from bot.text.fold import tokens

_SNIPPET = 240  # characters of a body sentence quoted in a short reply
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\sa-zà-ỹ])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def snippets(item: Item, words: set[str], shown: str) -> list[str]:
    """Sentences of the body (or of the way there) that answer the question's ``words``
    (folded, stemmed search terms), best first, words the short text lacks counting
    double. When the short text has all the words, the body's first sentence (its lead).
    The item's own name answers nothing."""
    lang = current_lang()
    asked = words - _stems(f"{item.name.vi} {item.name.en}")
    if not asked:
        return []
    missing = asked - _stems(shown)
    body = sentences(item.body.get(lang))
    if not missing:
        return body[:1] if body and len(body[0]) <= _SNIPPET else []
    # "tháng mấy đi đẹp nhất", "when is it in season": the fields that say when come
    # first, so that they win over a body sentence that mentions a month in passing.
    pool: list[str] = []
    if isinstance(item, Tour) and item.best_time is not None:
        pool.append(_("Best time: {when}").format(when=item.best_time.get(lang)))
    if isinstance(item, Dish) and item.season is not None:
        pool.append(_("Season: {when}").format(when=item.season.get(lang)))
    pool += body
    if isinstance(item, Place) and item.getting_there is not None:
        pool += sentences(item.getting_there.get(lang))
    scored: list[tuple[int, int, str]] = []
    for n, sentence in enumerate(pool):
        # A long sentence offers its clauses instead, marked as cut.
        parts = [sentence] if len(sentence) <= _SNIPPET else _clauses(sentence)
        for part in parts:
            found = _stems(part)
            score = 2 * len(missing & found) + len(asked & found)
            if score and len(part) <= _SNIPPET:
                scored.append((-score, n, part))
    return [part for _score, _n, part in sorted(scored)]


def _stems(text: str) -> set[str]:
    """The words of ``text`` as the search index has them (folded, stemmed)."""
    return {stem(t) for t in tokens(text)}


# A clause that opens with one of these says something about the clause before it
# ("…Khau Tý hill, where Hồ Chí Minh lived…"): it is quoted with it.
_RELATIVE = re.compile(r"^(?:where|which|who|whose|when|nơi|là nơi|mà)\b", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    pieces: list[str] = []
    for piece in (p.strip() for p in _CLAUSE_END.split(sentence)):
        if piece and pieces and _RELATIVE.match(piece):
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif piece:
            pieces.append(piece)
    return [
        ("" if i == 0 else ELLIPSIS) + p.rstrip(",;:") + ("" if i == len(pieces) - 1 else ELLIPSIS)
        for i, p in enumerate(pieces)
    ]
