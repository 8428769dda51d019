"""From raw chat text to the tokens the classifiers see: folded, shorthand expanded, names
masked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.text.fold import fold

_TOKEN_RE = re.compile(r"[0-9a-z]+")
# "hiiii", "alooo", "okkk": a letter typed three or more times is one letter.
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")

PROVINCE_MASK = "xprov"
NAME_MASK = "xname"


class NameMatcher:
    """Longest-match lookup of multi-word names (folded) in a token list."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names: dict[tuple[str, ...], str] = {}
        self._lengths: dict[str, list[int]] = {}
        for alias, ident in names.items():
            key = tuple(_TOKEN_RE.findall(fold(alias)))
            if not key or key in self._names:
                continue
            self._names[key] = ident
            self._lengths.setdefault(key[0], []).append(len(key))
        for lengths in self._lengths.values():
            lengths.sort(reverse=True)

    def match(self, tokens: list[str], i: int) -> tuple[str, int] | None:
        """(id, length) of the longest name starting at ``tokens[i]``."""
        for n in self._lengths.get(tokens[i], ()):
            key = tuple(tokens[i : i + n])
            if len(key) == n and key in self._names:
                return self._names[key], n
        return None


@dataclass(frozen=True, slots=True)
class Normalized:
    """``tokens`` after shorthand expansion; ``masked`` with names replaced by masks."""

    tokens: tuple[str, ...]
    masked: tuple[str, ...]
    provinces: tuple[str, ...]
    items: tuple[str, ...]
    command: str | None  # "help" for "/help@bot"

    @property
    def text(self) -> str:
        return " ".join(self.masked)


class Normalizer:
    """Folds, expands chat shorthand ("ko" -> "khong") and masks province and item names.

    Provinces are looked up first at every position, then other names; the longer
    match wins, so "chùa Vĩnh Nghiêm" is a name, not the city of Vinh.
    """

    def __init__(
        self,
        shorthand: Mapping[str, str],
        provinces: Mapping[str, str],
        names: Mapping[str, str] | None = None,
    ) -> None:
        self._shorthand = {k: tuple(v.split()) for k, v in shorthand.items()}
        self._provinces = NameMatcher(provinces)
        self._names = NameMatcher(names or {})

    def __call__(self, text: str) -> Normalized:
        stripped = text.strip()
        command = None
        if stripped.startswith("/"):
            head = stripped[1:].split(maxsplit=1)[0] if len(stripped) > 1 else ""
            command = fold(head.split("@", 1)[0]) or None
        folded = _REPEAT_RE.sub(r"\1", fold(text))
        tokens: list[str] = []
        for token in _TOKEN_RE.findall(folded):
            tokens.extend(self._shorthand.get(token, (token,)))
        masked: list[str] = []
        provinces: list[str] = []
        items: list[str] = []
        i = 0
        while i < len(tokens):
            prov = self._provinces.match(tokens, i)
            name = self._names.match(tokens, i)
            if name is not None and (prov is None or name[1] > prov[1]):
                items.append(name[0])
                masked.append(NAME_MASK)
                i += name[1]
            elif prov is not None:
                provinces.append(prov[0])
                masked.append(PROVINCE_MASK)
                i += prov[1]
            else:
                masked.append(tokens[i])
                i += 1
        return Normalized(
            tuple(tokens),
            tuple(masked),
            tuple(dict.fromkeys(provinces)),
            tuple(dict.fromkeys(items)),
            command,
        )
