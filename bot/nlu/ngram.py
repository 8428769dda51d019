"""A character n-gram classifier trained at start-up from the examples, in pure Python.

TF-IDF weights of the 2- to 4-grams of the normalised text (spaces included, so word
edges count), compared by cosine either with one centroid per intent ("centroid") or
with every example ("nearest", 1-NN). Typos and missing diacritics change a few grams,
not the whole word, which is why it generalises past the exact phrasings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from itertools import repeat
from operator import mul

Vector = dict[str, float]
MAX_CHARS = 160  # an intent shows in the first words; longer text is a question anyway


def grams(text: str, n_min: int = 2, n_max: int = 4) -> Counter[str]:
    """Character n-grams of ``text``, padded with spaces."""
    padded = f" {text} "
    size = len(padded)
    # Counter counts an iterable in C; a Python loop of += is ~3x slower.
    return Counter(padded[i : i + n] for n in range(n_min, n_max + 1) for i in range(size - n + 1))


class NgramClassifier:
    """Cosine similarity of TF-IDF char n-gram vectors; ``mode`` "centroid" or "nearest"."""

    def __init__(
        self,
        examples: Iterable[tuple[str, str]],
        mode: str = "centroid",
        n_min: int = 2,
        n_max: int = 4,
    ) -> None:
        if mode not in ("centroid", "nearest"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode, self.n_min, self.n_max = mode, n_min, n_max
        pairs = [(grams(text, n_min, n_max), label) for text, label in examples]
        df: Counter[str] = Counter()
        for counts, _label in pairs:
            df.update(counts.keys())
        total = len(pairs)
        self._idf = {g: math.log((1 + total) / (1 + n)) + 1.0 for g, n in df.items()}
        self._unseen_idf = math.log(1 + total) + 1.0
        self.labels: list[str] = list(dict.fromkeys(label for _c, label in pairs))
        index = {label: i for i, label in enumerate(self.labels)}
        vectors = [(self._vector(counts), index[label]) for counts, label in pairs]
        if mode == "centroid":
            sums: list[Vector] = [{} for _ in self.labels]
            for vec, li in vectors:
                acc = sums[li]
                for g, w in vec.items():
                    acc[g] = acc.get(g, 0.0) + w
            vectors = [(_normalised(acc), li) for li, acc in enumerate(sums)]
        self._owner = [li for _vec, li in vectors]
        self._rows = [vec for vec, _li in vectors]
        # Centroids by gram: idf(g) * weight of g in each centroid, so a query is scored
        # by summing columns of these tuples (zip and sum run in C).
        self._by_gram: dict[str, tuple[float, ...]] = {}
        if mode == "centroid":
            zero = (0.0,) * len(self.labels)
            for li, vec in enumerate(self._rows):
                for g, w in vec.items():
                    column = list(self._by_gram.get(g, zero))
                    column[li] = w * self._idf[g]
                    self._by_gram[g] = tuple(column)

    def _vector(self, counts: Counter[str]) -> Vector:
        idf, unseen = self._idf, self._unseen_idf
        vec = {
            g: idf.get(g, unseen) * (1.0 if c == 1 else 1.0 + math.log(c))
            for g, c in counts.items()
        }
        return _normalised(vec)

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every intent with its similarity to ``text`` (0..1), best first."""
        counts = grams(text[:MAX_CHARS], self.n_min, self.n_max)
        if self.mode == "centroid":
            return self._centroid_scores(counts)
        query = self._vector(counts)
        keys = list(query)
        weights = list(query.values())
        best = [0.0] * len(self.labels)
        zeros = repeat(0.0)
        # One dot product per stored vector, each computed by map/sum in C.
        for row, vec in enumerate(self._rows):
            score = sum(map(mul, weights, map(vec.get, keys, zeros)))
            li = self._owner[row]
            if score > best[li]:
                best[li] = score
        return sorted(zip(self.labels, best, strict=True), key=lambda p: -p[1])

    def _centroid_scores(self, counts: Counter[str]) -> list[tuple[str, float]]:
        idf, unseen, by_gram = self._idf, self._unseen_idf, self._by_gram
        columns = []
        norm2 = 0.0
        for g, c in counts.items():
            tf = 1.0 if c == 1 else 1.0 + math.log(c)
            norm2 += (idf.get(g, unseen) * tf) ** 2
            column = by_gram.get(g)
            if column is not None:
                columns.append(column if c == 1 else tuple(x * tf for x in column))
        norm = math.sqrt(norm2) or 1.0
        sums = [sum(col) / norm for col in zip(*columns, strict=True)] if columns else []
        best = sums or [0.0] * len(self.labels)
        return sorted(zip(self.labels, best, strict=True), key=lambda p: -p[1])

    def classify(self, text: str) -> tuple[str, float, float]:
        """(intent, similarity, margin over the runner-up)."""
        ranked = self.scores(text)
        top, score = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        return top, score, score - second


def _normalised(vec: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {g: w / norm for g, w in vec.items()} if norm else vec
