"""The sentences of an item's text that answer a question, for a short reply."""

from __future__ import annotations

import re

from bot.content.schema import Dish, Item, Place, Tour
from bot.core.labels import ELLIPSIS
from bot.i18n import current_lang
from bot.i18n import gettext as _
from bot.search.stem import stem
from bot.text.fold import tokens

SNIPPET_CHARS = 240  # characters of a body sentence quoted in a short reply
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_SENTENCE_GAP = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    """``text`` cut after ".", "!", "?" or "…" where the next word does not go on in
    lower case ("khoảng 15 km. Đền…" is two sentences; "TP. Vinh" is not cut before "Vinh"
    only because a capital follows, which is the price of no abbreviation list)."""
    out: list[str] = []
    start = 0
    for gap in _SENTENCE_GAP.finditer(text):
        following = text[gap.end() : gap.end() + 1]
        # A character class cannot tell Vietnamese capitals (Đ, Ở, Ấ) from small letters.
        if following and not following.islower():
            out.append(text[start : gap.start()])
            start = gap.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


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
        return body[:1] if body and len(body[0]) <= SNIPPET_CHARS else []
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
        parts = [sentence] if len(sentence) <= SNIPPET_CHARS else _clauses(sentence)
        for part in parts:
            found = _stems(part)
            score = 2 * len(missing & found) + len(asked & found)
            if score and len(part) <= SNIPPET_CHARS:
                scored.append((-score, n, part))
    return [part for _score, _n, part in sorted(scored)]


def _stems(text: str) -> set[str]:
    """The words of ``text`` as the search index has them (folded, stemmed)."""
    return {stem(t) for t in tokens(text)}


# A clause that opens with one of these says something about (or explains) the one before
# ("…Khau Tý hill, where Hồ Chí Minh lived…"): it is quoted with it.
_RELATIVE = re.compile(
    r"^(?:where|which|who|whose|when|because|nơi|là nơi|mà|vì|bởi)\b", re.IGNORECASE
)


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


# "What happened at Chi Lăng?", "sao gọi là đền Cuông": questions about an item's story,
# answered by the body sentence that holds it, whatever words the question uses.
_STORY_CUES = {
    "history": re.compile(
        r"\bwhat happened\b|\bhappened (?:at|here|there)\b|\b(?:history|story) of\b"
        r"|\bchuyen gi\b|\bsu tich\b|\bxay ra\b|\blich su\b|\btran danh\b"
    ),
    "name": re.compile(
        r"\bwhy (?:is it |was it |is this |is the \w+ )?(?:called|named)\b|\bname come from\b"
        r"|\b(?:vi sao|tai sao|sao) (?:lai )?(?:goi la|co ten|mang ten)\b|\bten goi\b"
    ),
}
_STORY_SENTENCE = {
    "history": re.compile(r"\b\d{3,4}\b"),
    "name": re.compile(r"\b(?:gọi|tên|called|named|name)\b", re.IGNORECASE),
}


def story_sentence(item: Item, folded_question: str, shown: str) -> str | None:
    """The body sentence that tells the story the question asks about (a date for "what
    happened", the name for "why is it called"), unless the reply already says it."""
    for kind, cue in _STORY_CUES.items():
        if not cue.search(folded_question):
            continue
        for sentence in sentences(item.body.get(current_lang())):
            if _STORY_SENTENCE[kind].search(sentence) and sentence not in shown:
                parts = [sentence] if len(sentence) <= SNIPPET_CHARS else _clauses(sentence)
                hit = next((p for p in parts if _STORY_SENTENCE[kind].search(p)), None)
                if hit is not None and len(hit) <= SNIPPET_CHARS:
                    return hit
    return None
