"""The search index over content: FTS5 candidates, alias gazetteer, and a calibrated score."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from bot.content.loader import ContentPack
from bot.content.schema import Item
from bot.search.query import Term, fts_expression, prepare
from bot.search.stem import stem, stem_tokens
from bot.search.syllable import is_vietnamese_syllable
from bot.store.docs import Doc, Docs, rowid_of
from bot.text.fold import tokens
from bot.text.stopwords import GENERIC

log = logging.getLogger(__name__)

CANDIDATES = 40
MAX_ALIAS_TOKENS = 6


def _item_names(item: Item) -> list[str]:
    return [item.name.vi, item.name.en, *item.aliases]


# Bump when the way documents are built changes, so stored indexes are rebuilt.
INDEX_VERSION = "4"  # 4: rowids are hashes of item ids (bot.store.docs.rowid_of)


def index_text(*texts: str) -> str:
    """Stemmed folded tokens of each text; texts are kept apart by " | " so that no word
    pair spans two names or two languages."""
    # Single letters ("s" of "Vietnam's") are never searched for; leaving them out keeps
    # "Vietnam's Ethnic Groups" a run of adjacent words.
    return " | ".join(
        " ".join(stem_tokens([w for w in tokens(t) if len(w) > 1 or w.isdigit()]))
        for t in texts
        if t
    )


def build_docs(pack: ContentPack) -> list[Doc]:
    """One folded document per item: names (with aliases), summary, body, tags."""
    docs = []
    for item in pack.items.values():
        names = index_text(*_item_names(item))
        summary = index_text(item.summary.vi, item.summary.en)
        body = index_text(item.body.vi, item.body.en)
        province_names = [
            f"{p.name.vi} {p.name.en}"
            for pid in item.provinces
            if (p := pack.items.get(pid)) is not None
        ]
        tags = index_text(" ".join([*item.tags, item.kind]).replace("-", " "), *province_names)
        fulltext = " | ".join([names, summary, body, tags])
        docs.append(Doc(item.id, item.kind, names, summary, body, tags, fulltext))
    return docs


@dataclass(frozen=True, slots=True)
class AliasHit:
    item_id: str
    start: int  # token span in the query
    end: int


@dataclass(slots=True)
class Hit:
    """A candidate item with the signals that make up its score."""

    item_id: str
    kind: str
    score: float = 0.0
    coverage: float = 0.0  # idf-weighted share of the query's content words found in it
    name_coverage: float = 0.0
    # idf-weighted share of the query's content words in the names, aliases or tags: the
    # words that say what an item is, not what its text happens to mention
    head_coverage: float = 0.0
    alias_span: int = 0  # longest alias of the item found verbatim in the query (tokens)
    rare_alias: bool = False  # a one-word alias that is rare in the content ("presstrip")
    bm25: float = 0.0
    reasons: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SearchResult:
    terms: list[Term]
    hits: list[Hit]
    aliases: list[AliasHit]
    content_weight: float  # total idf weight of the query's content words


class SearchIndex:
    """Ranks content items for a question. Build once per content version."""

    def __init__(
        self,
        pack: ContentPack,
        docs: Sequence[Doc],
        vocabulary: dict[str, int],
        rowids: dict[int, str],
    ):
        self.pack = pack
        self._docs = {d.item_id: d for d in docs}
        self._doc_tokens = {d.item_id: set(d.fulltext.split()) for d in docs}
        self._name_tokens = {d.item_id: set(tokens(d.names)) for d in docs}
        self._tag_tokens = {d.item_id: set(tokens(d.tags)) for d in docs}
        self._doc_bigrams = {d.item_id: _bigrams(d.fulltext.split()) for d in docs}
        self.bigrams = frozenset().union(*self._doc_bigrams.values())
        self.vocabulary = vocabulary
        self._rowids = rowids
        self._choices = sorted(vocabulary)
        n = max(len(docs), 1)
        self._idf = {t: math.log(1 + n / df) for t, df in vocabulary.items()}
        self._max_idf = math.log(1 + n)
        self._aliases: dict[tuple[str, ...], set[str]] = {}
        for item in pack.items.values():
            for name in _item_names(item):
                key = tuple(stem_tokens(tokens(name)))
                if 0 < len(key) <= MAX_ALIAS_TOKENS:
                    self._aliases.setdefault(key, set()).add(item.id)
        self.alias_phrases = frozenset(" ".join(k) for k in self._aliases)
        # Multi-word names by their first and by their last word, for typo repair.
        self._alias_ends: dict[tuple[int, str], list[tuple[str, ...]]] = {}
        for key in self._aliases:
            if len(key) >= 2:
                self._alias_ends.setdefault((len(key), key[0]), []).append(key)
                self._alias_ends.setdefault((len(key), key[-1]), []).append(key)

    @classmethod
    async def open(cls, pack: ContentPack, docs_repo: Docs) -> SearchIndex:
        """Reuse the stored index when the content fingerprint matches, else rebuild it."""
        docs = build_docs(pack)
        fingerprint = f"{INDEX_VERSION}:{pack.fingerprint}"
        if await docs_repo.fingerprint() != fingerprint:
            log.info("content changed: rebuilding the search index (%d items)", len(docs))
            await docs_repo.replace_all(docs, fingerprint)
        # The rowid map comes from this pack, never from the table: another process may
        # have rewritten the table for other content since.
        rowids = {rowid_of(d.item_id): d.item_id for d in docs}
        return cls(pack, docs, await docs_repo.vocabulary(), rowids)

    def mentions(self, item_id: str, words: Sequence[str]) -> bool:
        """Whether the item's text has ``words`` next to each other (pair by pair)."""
        stems = stem_tokens(list(words))
        if len(stems) == 1:
            return stems[0] in self._doc_tokens[item_id]
        return set(itertools.pairwise(stems)) <= self._doc_bigrams[item_id]

    def named(self, item_id: str, words: Sequence[str]) -> bool:
        """Whether every one of ``words`` is in the item's names or aliases."""
        return bool(words) and set(stem_tokens(list(words))) <= self._name_tokens[item_id]

    def _repair_names(self, terms: list[Term]) -> list[Term]:
        """Mend a typo inside a two- or three-word name that the word-level repair cannot
        see because the typo is itself a word ("Dinh Hao" → "Dinh Hoa", "Nghe A" →
        "Nghe An"): one edit over the whole name, among names sharing a first or last word.
        """
        words = [t.token for t in terms]
        covered = {
            i
            for a in self.find_aliases(words)
            if a.end - a.start >= 2
            for i in range(a.start, a.end)
        }
        out = list(terms)
        for n in (3, 2):
            for i in range(len(out) - n + 1):
                if covered & set(range(i, i + n)):
                    continue
                window = tuple(t.token for t in out[i : i + n])
                typed = " ".join(window)
                if len(typed) < 6:
                    continue
                names = self._alias_ends.get((n, window[0]), []) + self._alias_ends.get(
                    (n, window[-1]), []
                )
                best = min(names, key=lambda k: OSA.distance(typed, " ".join(k)), default=None)
                if best is None or best == window or OSA.distance(typed, " ".join(best)) > 1:
                    continue
                # A whole word of the language is no typo: "to Vinh" is not "TP Vinh".
                # (A single letter is: "Nghe A".)
                if any(
                    t.stop and len(t.token) > 1 and t.token != b
                    for t, b in zip(out[i : i + n], best, strict=True)
                ):
                    continue
                for j, token in enumerate(best):
                    if out[i + j].token != token:
                        out[i + j] = dataclasses.replace(
                            out[i + j], token=token, known=True, corrected=True, stop=False
                        )
                covered |= set(range(i, i + n))
        return out

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._max_idf)

    def find_aliases(self, words: Sequence[str]) -> list[AliasHit]:
        """Every alias that appears verbatim (as a token run) in ``words``, except a name of
        two words or more that shares a word with a longer, or an earlier, one: a word
        belongs to one name ("phở chua là" is Phở chua, not "chùa La")."""
        words = [stem(w) for w in words]
        hits = []
        for i in range(len(words)):
            for n in range(1, MAX_ALIAS_TOKENS + 1):
                key = tuple(words[i : i + n])
                if len(key) < n:
                    break
                for item_id in self._aliases.get(key, ()):
                    hits.append(AliasHit(item_id, i, i + n))
        taken: set[int] = set()
        kept: list[AliasHit] = []
        for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
            span = set(range(hit.start, hit.end))
            if hit.end - hit.start >= 2 and span & taken and not _same_span(hit, kept):
                continue
            kept.append(hit)
            if hit.end - hit.start >= 2:
                taken |= span
        return sorted(kept, key=lambda h: (h.start, h.end))

    async def search(
        self, docs_repo: Docs, text: str, limit: int = 10, cues: frozenset[str] = frozenset()
    ) -> SearchResult:
        """Candidates for ``text`` from FTS5 and the gazetteer, scored and sorted."""
        terms = self._repair_names(
            prepare(text, self.vocabulary, self._choices, self.bigrams, cues)
        )
        words = [t.token for t in terms]
        aliases = self.find_aliases(words)
        # Inside a name typed in full, no syllable is a stop word: "Lâm" in "Trúc Lâm"
        # is not "làm", "An" in "Nghệ An" is not "an".
        in_names = {i for a in aliases if a.end - a.start >= 2 for i in range(a.start, a.end)}
        terms = [
            dataclasses.replace(t, stop=False) if i in in_names and t.stop else t
            for i, t in enumerate(terms)
        ]
        content = [t for t in terms if not t.stop]
        weights = {t.token: self._term_weight(t) for t in content}
        total = sum(weights.values())
        neighbours = _content_neighbours(terms)
        candidates: dict[str, Hit] = {}
        known = sorted({t.token for t in content if t.known}, key=lambda w: self.vocabulary[w])
        if known:
            # Narrow to wide: all words together, then the two rarest together, then either
            # of them. Each step ranks few rows; a plain OR of common words would make FTS5
            # rank thousands (coverage scoring below still counts every word).
            stages = [fts_expression(known, "AND")]
            if len(known) > 2:
                stages.append(fts_expression(known[:2], "AND"))
            if len(known) > 1:
                stages.append(fts_expression(known[:2]))

            found: list[tuple[int, float]] = []
            for expression in stages:
                found += await docs_repo.search(expression, CANDIDATES)
                if len({rowid for rowid, _ in found}) >= CANDIDATES // 4:
                    break
            # Always, any word in a name: names are short, so this stays cheap, and an item
            # named by common words ("Đặc sản Hải Dương") still becomes a candidate.
            found += await docs_repo.search("{names} : (" + fts_expression(known) + ")", CANDIDATES)
            for rowid, bm25 in found:
                item_id = self._rowids.get(rowid)
                if item_id is not None and item_id not in candidates:
                    candidates[item_id] = Hit(item_id, self._docs[item_id].kind, bm25=-bm25)
        for alias in aliases:
            hit = candidates.setdefault(
                alias.item_id, Hit(alias.item_id, self._docs[alias.item_id].kind)
            )
            hit.alias_span = max(hit.alias_span, alias.end - alias.start)
            word = words[alias.start]
            if alias.end - alias.start == 1 and len(word) >= 5:
                hit.rare_alias |= self.idf(stem(word)) >= 0.75 * self._max_idf
        best_bm25 = max((h.bm25 for h in candidates.values()), default=0.0) or 1.0
        query_bigrams = _bigrams([t.token for t in content])
        for hit in candidates.values():
            self._score(hit, weights, neighbours, total, query_bigrams, best_bm25, len(content))
        ranked = sorted(candidates.values(), key=lambda h: (-h.score, h.item_id))
        return SearchResult(terms, ranked[:limit], aliases, total)

    def _term_weight(self, term: Term) -> float:
        weight = self.idf(term.token)
        if term.token in GENERIC:
            weight *= 0.35
        if term.corrected:
            weight *= 0.7
        if not term.known and term.token.isdigit():
            weight *= 0.5  # a number we never wrote: part of the question, not its subject
        return weight

    def _score(
        self,
        hit: Hit,
        weights: dict[str, float],
        neighbours: dict[str, set[tuple[str, str]]],
        total: float,
        query_bigrams: set[tuple[str, str]],
        best_bm25: float,
        n_content: int,
    ) -> None:
        doc_tokens = self._doc_tokens[hit.item_id]
        name_tokens = self._name_tokens[hit.item_id]
        doc_bigrams = self._doc_bigrams[hit.item_id]
        if total > 0:
            # A syllable counts fully when it stands alone in the question or sits next to
            # the same neighbour in the item; "thời tiết" is not covered by an item that
            # says "thời gian" and "tiết mục" far apart. Half weight otherwise.
            covered = 0.0
            for t, w in weights.items():
                if t not in doc_tokens:
                    continue
                pairs = neighbours.get(t)
                covered += w if not pairs or pairs & doc_bigrams else 0.25 * w
            hit.coverage = covered / total
            hit.name_coverage = sum(w for t, w in weights.items() if t in name_tokens) / total
            head = name_tokens | self._tag_tokens[hit.item_id]
            hit.head_coverage = sum(w for t, w in weights.items() if t in head) / total
        bigram = len(query_bigrams & doc_bigrams) / len(query_bigrams) if query_bigrams else 0.0
        alias = min(hit.alias_span / max(n_content, 1), 1.0) if hit.alias_span else 0.0
        hit.reasons = {
            "coverage": hit.coverage,
            "names": hit.name_coverage,
            "bigram": bigram,
            "alias": alias,
            "bm25": hit.bm25 / best_bm25,
        }
        hit.score = (
            1.5 * hit.coverage
            + 2.0 * hit.name_coverage
            + 1.0 * bigram
            + 1.5 * alias
            + 0.5 * hit.bm25 / best_bm25
        )


def _same_span(hit: AliasHit, kept: Sequence[AliasHit]) -> bool:
    """Whether another item's alias covers exactly the words of ``hit`` (shared names)."""
    return any(k.start == hit.start and k.end == hit.end for k in kept)


def _content_neighbours(terms: Sequence[Term]) -> dict[str, set[tuple[str, str]]]:
    """For each content word, the bigrams it forms with adjacent content words.

    Only Vietnamese syllables form compounds ("thời tiết"); English word order is free.
    """
    out: dict[str, set[tuple[str, str]]] = {}
    for a, b in itertools.pairwise(terms):
        if a.stop or b.stop:
            continue
        if not (is_vietnamese_syllable(a.token) and is_vietnamese_syllable(b.token)):
            continue
        pair = (a.token, b.token)
        out.setdefault(a.token, set()).add(pair)
        out.setdefault(b.token, set()).add(pair)
    return out


def _bigrams(words: Iterable[str]) -> set[tuple[str, str]]:
    seq = list(words)
    return set(itertools.pairwise(seq))
