"""Which names a question contains: those the visitor capitalised, and the names of
content items it quotes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.content.loader import ContentPack
from bot.search.index import Hit, SearchResult
from bot.text.fold import tokens
from bot.text.stopwords import GENERIC


def name_runs(text: str, result: SearchResult) -> list[list[list[str]]]:
    """Names the visitor capitalised ("Hà Nội", "Trúc Lâm", "Hanoi"), all of them words
    we index or a typo of one (a name we never heard of, "Đà Lạt", stays as typed and
    so rules out every item). Each name comes with its acceptable forms:
    a name that starts the message may or may not include its first word, which is
    capitalised for the sentence ("Is Bac Giang…", "Phía Nghệ An…") or for the name
    ("Đà Lạt…", "Hồ Chí Minh…")."""
    repaired = {t.typed: t.token for t in result.terms}
    runs: list[list[list[str]]] = []
    run: list[str] = []
    starts_message = False
    for i, word in enumerate([*text.split(), ""]):
        if word[:1].isupper():
            starts_message = starts_message or (i == 0)
            # Single letters are the "s" of "Giang's" and the English "I".
            run.extend(repaired.get(t, t) for t in tokens(word) if len(t) > 1)
            continue
        forms = [run, run[1:]] if starts_message else [run]
        forms = [f for f in forms if f and len("".join(f)) >= 3]
        if forms and (not starts_message or len(run) > 1):
            runs.append(forms)
        run, starts_message = [], False
    return runs


def named_in(pack: ContentPack, result: SearchResult) -> list[list[str]]:
    """The longest names of items (not provinces: they say where, not what) that the
    question contains, as its words."""
    words = [t.token for t in result.terms]
    named = [
        a
        for a in result.aliases
        if pack.items[a.item_id].kind != "province"
        and any(words[i] not in GENERIC and not result.terms[i].stop for i in range(a.start, a.end))
    ]
    longest = max((a.end - a.start for a in named), default=0)
    spans = {(a.start, a.end) for a in named if a.end - a.start == longest}
    return [words[a:b] for a, b in sorted(spans)]


def named_instead(
    top: Hit | None,
    hits: list[Hit],
    result: SearchResult,
    named: list[list[str]],
    confident: Callable[[Hit], bool],
    mentions: Callable[[str, Sequence[str]], bool],
) -> Hit | None:
    """The item the question ``named``, when ``top`` never mentions that name: "then được
    UNESCO công nhận năm nào" is about Then, not about another item UNESCO "công nhận".
    Only among the first five hits, and only a ``confident`` one."""
    if top is None or not named:
        return top
    if any(mentions(top.item_id, words) for words in named):
        return top
    owners = {
        a.item_id
        for a in result.aliases
        if [t.token for t in result.terms[a.start : a.end]] in named
    }
    return next((h for h in hits[:5] if h.item_id in owners and confident(h)), top)
