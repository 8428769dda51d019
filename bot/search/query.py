"""Turn user text into safe search terms: tokens, Telex repair, typo correction, FTS5 syntax."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.stem import stem
from bot.search.syllable import is_vietnamese_syllable
from bot.text.fold import tokens
from bot.text.stopwords import STOP_PHRASES, STOPWORDS

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


def correct_typo(
    token: str,
    vocabulary: Mapping[str, int],
    choices: list[str],
    neighbours: tuple[str | None, str | None] = (None, None),
    bigrams: frozenset[tuple[str, str]] = frozenset(),
) -> str | None:
    """The indexed token one edit away from ``token`` (two for long words), if any.

    Edits count a swap of two letters as one ("cuogn" → "cuong"). Among equally close
    candidates, one that forms a known pair with a neighbouring word wins ("Lang Sonn" →
    "son", not "song"), then the most common one. A token shaped like a Vietnamese
    syllable is a real word we do not index ("vàng"), not a typo: "correcting" it to a
    neighbour ("băng") would invent a match.
    """
    if len(token) < 4 or token.isdigit() or is_vietnamese_syllable(token):
        return None
    max_edits = 1 if len(token) < 7 else 2
    found = process.extract(token, choices, scorer=OSA.distance, score_cutoff=max_edits, limit=8)
    if not found:
        return None
    before, after = neighbours

    def rank(candidate: str, distance: float) -> tuple[float, int, int]:
        paired = (before is not None and (before, candidate) in bigrams) or (
            after is not None and (candidate, after) in bigrams
        )
        return (distance, 0 if paired else 1, -vocabulary.get(candidate, 0))

    best = min(found, key=lambda f: rank(str(f[0]), float(f[1])))
    return str(best[0])


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: what was typed, what we search for, and how sure we are of it."""

    typed: str
    token: str
    known: bool  # in the index vocabulary
    corrected: bool  # changed by Telex repair or typo correction
    stop: bool


_RAW_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def capitalised_tokens(text: str) -> set[str]:
    """Folded tokens of words written with a capital letter, except a message's first
    word: "Lâm" in "Trúc Lâm" and "Minh" in "Hồ Chí Minh" are names, not "làm", "mình"."""
    out: set[str] = set()
    for i, match in enumerate(_RAW_WORD_RE.finditer(text)):
        word = match.group()
        if i > 0 and word[:1].isupper() and len(word) > 1:
            out.update(tokens(word))
    return out


def prepare(
    text: str,
    vocabulary: Mapping[str, int],
    choices: list[str] | None = None,
    bigrams: frozenset[tuple[str, str]] = frozenset(),
    cues: frozenset[str] = frozenset(),
) -> list[Term]:
    """Folded, repaired terms of ``text``, at most ``MAX_TOKENS`` of them.

    ``cues`` are words that only say what kind of answer is wanted ("khi nào", "how
    far"): they steer the intent and are not content to be covered.
    """
    terms: list[Term] = []
    names = capitalised_tokens(text)
    words = _apply_synonyms(tokens(text)[:MAX_TOKENS])
    for i, typed in enumerate(words):
        token, corrected = typed, False
        if stem(typed) not in vocabulary and typed not in STOPWORDS:
            fixed = repair_telex(typed, vocabulary)
            if fixed is None and choices is not None:
                before = terms[-1].token if terms else None
                after = words[i + 1] if i + 1 < len(words) else None
                fixed = correct_typo(typed, vocabulary, choices, (before, after), bigrams)
            if fixed is not None:
                token, corrected = fixed, True
        stop = typed not in names and (
            token in STOPWORDS
            or stem(token) in STOPWORDS
            or token in cues
            or (len(token) == 1 and not token.isdigit())
        )
        token = stem(token)
        terms.append(
            Term(
                typed=typed,
                token=token,
                known=token in vocabulary,
                corrected=corrected,
                # Single letters are debris of contractions ("what's") and initials.
                stop=stop,
            )
        )
    return _stop_phrases(terms, names)


def _stop_phrases(terms: list[Term], names: set[str]) -> list[Term]:
    """Mark both words of a ``STOP_PHRASES`` pair as stop words, unless capitalised."""
    out = list(terms)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (a.typed, b.typed) in STOP_PHRASES and not {a.typed, b.typed} & names:
            out[i] = replace(a, stop=True)
            out[i + 1] = replace(b, stop=True)
    return out


# Ways of saying the same thing that the content writes one way.
_SYNONYMS = {
    ("cay", "so"): ("km",),
    ("kilomet",): ("km",),
    ("kilometers",): ("km",),
    ("kilometres",): ("km",),
}


def _apply_synonyms(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for key, value in _SYNONYMS.items():
            if tuple(words[i : i + len(key)]) == key:
                out += value
                i += len(key)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def fts_expression(words: list[str], operator: str = "OR") -> str:
    """An FTS5 MATCH expression joining the words with OR (or AND), each quoted.

    Tokens are already [0-9a-z]+ after folding; quoting them anyway means no user input
    (NEAR, AND, -, :, *, quotes) can ever be read as FTS5 syntax.
    """
    quoted = ['"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words) if w]
    return f" {'AND' if operator == 'AND' else 'OR'} ".join(quoted)
