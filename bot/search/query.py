"""Turn user text into safe search terms: tokens, Telex repair, typo correction, FTS5 syntax."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.search.stopwords import STOPWORDS
from bot.search.syllable import is_vietnamese_syllable
from bot.search.text import tokens

MAX_TOKENS = 24  # a 10,000-character message is cut to its first words, not searched whole

_TELEX_TONE = re.compile(r"^([a-z]*[aeiouy][a-z]*?)([sfrxj])$")
_TELEX_DOUBLE = (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("aw", "a"), ("ow", "o"))


def repair_telex(token: str, vocabulary: Mapping[str, int]) -> str | None:
    """Undo Telex keystrokes left in accent-less text ("hoj" → "ho", "dduowngf" → "duong").

    Only accepted when the repaired token is a Vietnamese syllable we have indexed, so
    English words ending in s/f/r/x/j are left alone.
    """
    candidate = token
    for telex, plain in _TELEX_DOUBLE:
        candidate = candidate.replace(telex, plain)
    candidate = candidate.replace("uw", "u").replace("w", "u")
    match = _TELEX_TONE.match(candidate)
    if match:
        candidate = match.group(1)
    if candidate != token and candidate in vocabulary and is_vietnamese_syllable(candidate):
        return candidate
    return None


def correct_typo(token: str, vocabulary: Mapping[str, int], choices: list[str]) -> str | None:
    """The indexed token one edit away from ``token`` (two for long words), if any.

    A token shaped like a Vietnamese syllable is a real word we do not index ("vàng"),
    not a typo: "correcting" it to a neighbour ("băng") would invent a match.
    """
    if len(token) < 4 or token.isdigit() or is_vietnamese_syllable(token):
        return None
    max_edits = 1 if len(token) < 7 else 2
    best = process.extractOne(token, choices, scorer=Levenshtein.distance, score_cutoff=max_edits)
    return str(best[0]) if best else None


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: what was typed, what we search for, and how sure we are of it."""

    typed: str
    token: str
    known: bool  # in the index vocabulary
    corrected: bool  # changed by Telex repair or typo correction
    stop: bool


def prepare(
    text: str, vocabulary: Mapping[str, int], choices: list[str] | None = None
) -> list[Term]:
    """Folded, repaired terms of ``text``, at most ``MAX_TOKENS`` of them."""
    terms: list[Term] = []
    for typed in tokens(text)[:MAX_TOKENS]:
        token, corrected = typed, False
        if typed not in vocabulary and typed not in STOPWORDS:
            fixed = repair_telex(typed, vocabulary)
            if fixed is None and choices is not None:
                fixed = correct_typo(typed, vocabulary, choices)
            if fixed is not None:
                token, corrected = fixed, True
        terms.append(
            Term(
                typed=typed,
                token=token,
                known=token in vocabulary,
                corrected=corrected,
                stop=token in STOPWORDS,
            )
        )
    return terms


def fts_expression(words: list[str]) -> str:
    """An FTS5 MATCH expression that ORs the words, each quoted as a string.

    Tokens are already [0-9a-z]+ after folding; quoting them anyway means no user input
    (NEAR, AND, -, :, *, quotes) can ever be read as FTS5 syntax.
    """
    quoted = ['"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words) if w]
    return " OR ".join(quoted)
