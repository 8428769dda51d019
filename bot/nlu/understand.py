"""The one entry point: ``Understanding(gazetteer).understand(text) -> Parse``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from bot.nlu import rules
from bot.nlu.data import Examples, load_examples
from bot.nlu.ngram import NgramClassifier
from bot.nlu.normalize import NAME_MASK, Normalized, Normalizer
from bot.nlu.parse import Intent, Parse
from bot.nlu.slots import aspect_of, extract, is_elliptic, option_number
from bot.text.fold import tokens

if TYPE_CHECKING:  # importing the schema loads pydantic: the caller has the items already
    from bot.content.schema import Item

# The n-gram model decides only when it is this sure, and this far ahead of the
# runner-up (bench/intents.py chose the values on the held-out split).
NGRAM_MIN = 0.5
NGRAM_MARGIN = 0.08
# Longer messages the rules did not claim are questions: what the model adds is short
# chat ("bai bai", "hnay am lich bn"), and scoring long text is most of its cost.
NGRAM_MAX_WORDS = 10
# Intents the n-gram model may never decide alone: a wrong guess costs more than asking
# the content search (a visitor called abusive, a content question refused as a price:
# "có bao nhiêu đảo" shares its grams with "giá bao nhiêu").
_NGRAM_NEVER = frozenset(
    {
        Intent.ABUSE,
        Intent.HUMAN,
        Intent.SWITCH_LANGUAGE,
        Intent.PRICE,
        Intent.TICKETS,
        Intent.RECIPE,
    }
)
# Cues that are also what a content item is about: with an item named, they are questions
# about it ("hội Lim mùng mấy âm lịch" is a question about the Lim festival).
_ABOUT_ITEM = frozenset({Intent.LUNAR_DATE, Intent.LIST, Intent.TRIP_PLAN})


class Understanding:
    """Understands single messages; build it once (trains the n-gram model, ~40 ms).

    ``gazetteer`` maps every way of naming a province (old and new names, folded or not)
    to its id; ``names`` does the same for other items (places, events, tours), so their
    names are neither mistaken for cue words ("Giá Sơn" is not a price) nor for provinces.
    ``gazetteer_from`` builds both from content items. ``method`` ("hybrid", "rules",
    "ngram") and the ``ngram_*`` settings exist for bench/intents.py.
    """

    def __init__(
        self,
        gazetteer: Mapping[str, str],
        names: Mapping[str, str] | None = None,
        examples: Examples | None = None,
        method: str = "hybrid",
        ngram_min: float = NGRAM_MIN,
        ngram_margin: float = NGRAM_MARGIN,
        ngram_mode: str = "centroid",
    ) -> None:
        if method not in ("hybrid", "rules", "ngram"):
            raise ValueError(f"unknown method {method!r}")
        self.method = method
        self.ngram_min, self.ngram_margin = ngram_min, ngram_margin
        self.examples = examples or load_examples()
        self.normalize = Normalizer(self.examples.shorthand, gazetteer, names)
        training = [(self.normalize(t).text, label) for t, label in self.examples.pairs()]
        self.ngram = NgramClassifier(training, mode=ngram_mode)

    def understand(self, text: str, today: dt.date | None = None) -> Parse:
        """The intent, confidence and slots of one message (``today`` resolves dates)."""
        norm = self.normalize(text[:500])
        intent, confidence, by = self._classify(text, norm)
        slots = extract(text[:500], norm, intent, today or dt.date.today())
        return Parse(intent, confidence, slots, " ".join(norm.tokens), by)

    def _classify(self, text: str, norm: Normalized) -> tuple[Intent, float, str]:
        if not norm.tokens:
            return Intent.QUESTION, 0.0, "fallback"
        if option_number(" ".join(norm.tokens)) is not None:
            return Intent.QUESTION, 1.0, "rules"  # a bare option number: see slots.option
        if self.method != "ngram":
            intent, confidence = rules.classify(norm)
            if intent in _ABOUT_ITEM and NAME_MASK in norm.masked:
                return Intent.QUESTION, 0.6, "rules"
            if intent is not Intent.QUESTION:
                return intent, confidence, "rules"
            if self.method == "rules":
                return Intent.QUESTION, 0.5, "fallback"
        if self.method == "hybrid" and len(norm.masked) > NGRAM_MAX_WORDS:
            return Intent.QUESTION, 0.6, "fallback"
        label, score, margin = self.ngram.classify(norm.text)
        guess = Intent(label)
        if self.method == "ngram":
            return guess, score, "ngram"
        if (
            guess is not Intent.QUESTION
            and not is_elliptic(norm, aspect_of(norm.text))
            and guess not in _NGRAM_NEVER
            and not (guess in _ABOUT_ITEM and NAME_MASK in norm.masked)
            and score >= self.ngram_min
            and margin >= self.ngram_margin
        ):
            return guess, score, "ngram"
        return Intent.QUESTION, max(0.5, 1.0 - score), "fallback"


def gazetteer_from(items: Iterable[Item]) -> tuple[dict[str, str], dict[str, str]]:
    """(provinces, names): every alias of every province, and of every other item whose
    name has two words or more (one-word aliases such as "Lim" or "Then" are common words).

    FAQ items are left out: their aliases are questions ("bao xa", "how far"), not names.
    """
    provinces: dict[str, str] = {}
    names: dict[str, str] = {}
    for item in items:
        aliases = [item.name.vi, item.name.en, *item.aliases]
        if item.kind == "province":
            for alias in aliases:
                provinces.setdefault(alias, item.id)
        elif item.kind != "faq":
            for alias in aliases:
                if len(tokens(alias)) >= 2:
                    names.setdefault(alias, item.id)
    return provinces, names
