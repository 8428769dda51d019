"""Typed button payloads: one codec for every button family (prefix, fields, 64 bytes).

A family is a frozen dataclass with a ``prefix`` and ``str``/``int`` fields; ``pack``
writes ``prefix:field:field`` and ``unpack`` reads it back strictly or returns None, so
a forged or stale payload is refused the same way wherever it arrives. (The pattern is
aiogram's ``CallbackData``.)
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any, ClassVar, Self

MAX_BYTES = 64  # Telegram's limit for callback_data; Zalo's are looser
_TEXT = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit() would accept "²"


class PayloadError(ValueError):
    """A payload that cannot be packed (a field out of its alphabet, or too long)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Payload:
    """Base of every button family; subclasses set ``prefix`` and declare fields."""

    prefix: ClassVar[str] = ""

    def pack(self) -> str:
        """The payload string; raises ``PayloadError`` when it could not be read back."""
        parts = [self.prefix]
        for name, kind in _field_types(type(self)):
            value = getattr(self, name)
            text = str(value)
            pattern = _NUMBER if kind is int else _TEXT
            if not pattern.fullmatch(text):
                raise PayloadError(f"{type(self).__name__}.{name}: {text!r} cannot be packed")
            parts.append(text)
        raw = ":".join(parts)
        if len(raw.encode()) > MAX_BYTES:
            raise PayloadError(f"{type(self).__name__}: {len(raw.encode())} bytes > {MAX_BYTES}")
        return raw

    @classmethod
    def unpack(cls, raw: str) -> Self | None:
        """The payload ``raw`` encodes if it is of this family and well formed, else None."""
        if len(raw.encode()) > MAX_BYTES:
            return None
        fields = _field_types(cls)
        if not fields:
            return cls() if raw == cls.prefix else None
        head = cls.prefix + ":"
        if not raw.startswith(head):
            return None
        parts = raw[len(head) :].split(":")
        if len(parts) != len(fields):
            return None
        values: dict[str, Any] = {}
        for (name, kind), text in zip(fields, parts, strict=True):
            if kind is int:
                if not _NUMBER.fullmatch(text):
                    return None
                values[name] = int(text)
            elif _TEXT.fullmatch(text):
                values[name] = text
            else:
                return None
        return cls(**values)


_TYPES: dict[type, tuple[tuple[str, type], ...]] = {}


def _field_types(cls: type) -> tuple[tuple[str, type], ...]:
    """(name, int or str) for each field, resolved once per family."""
    cached = _TYPES.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls)
        cached = tuple(
            (f.name, int if hints[f.name] is int else str) for f in dataclasses.fields(cls)
        )
        _TYPES[cls] = cached
    return cached


def decode(raw: str, families: typing.Iterable[type[Payload]]) -> Payload | None:
    """The first family that reads ``raw``, or None."""
    for family in families:
        payload = family.unpack(raw)
        if payload is not None:
            return payload
    return None


# -- the visitor side's families ---------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class ShowItem(Payload):
    prefix: ClassVar[str] = "i"
    item_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class ShowMap(Payload):
    prefix: ClassVar[str] = "m"
    item_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class Remind(Payload):
    prefix: ClassVar[str] = "r"
    item_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class Browse(Payload):
    """A page of one kind of item in a province."""

    prefix: ClassVar[str] = "p"
    province_id: str
    kind: str
    page: int


@dataclasses.dataclass(frozen=True, slots=True)
class Menu(Payload):
    prefix: ClassVar[str] = "menu"
    what: str


@dataclasses.dataclass(frozen=True, slots=True)
class ChooseLanguage(Payload):
    prefix: ClassVar[str] = "lang"
    code: str


@dataclasses.dataclass(frozen=True, slots=True)
class SubscribeAll(Payload):
    prefix: ClassVar[str] = "sub:all"


@dataclasses.dataclass(frozen=True, slots=True)
class SubscribeTopic(Payload):
    """A subscription to one province or event (``scope`` is "province" or "event")."""

    prefix: ClassVar[str] = "sub"
    scope: str
    ident: str


@dataclasses.dataclass(frozen=True, slots=True)
class Forget(Payload):
    prefix: ClassVar[str] = "forget"
    answer: str


@dataclasses.dataclass(frozen=True, slots=True)
class More(Payload):
    """The whole text of an item (replies show its short form first)."""

    prefix: ClassVar[str] = "more"
    item_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class Directions(Payload):
    """How to get to an item (a place, or the places of an event or tour)."""

    prefix: ClassVar[str] = "go"
    item_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class Page(Payload):
    """Page ``page`` of a list the bot showed (``key`` names the list, see lists)."""

    prefix: ClassVar[str] = "pg"
    key: str
    page: int


@dataclasses.dataclass(frozen=True, slots=True)
class AskHuman(Payload):
    """The visitor asks for a person from the tourism office (see ``bot.handoff``)."""

    prefix: ClassVar[str] = "hp"


@dataclasses.dataclass(frozen=True, slots=True)
class BackToBot(Payload):
    """The visitor ends their conversation with staff: the bot answers again."""

    prefix: ClassVar[str] = "hb"


@dataclasses.dataclass(frozen=True, slots=True)
class Helpful(Payload):
    """A vote on answer ``ask_id`` (a row of ``bot.store.feedback``): 1 👍, 0 👎."""

    prefix: ClassVar[str] = "fb"
    ask_id: int
    vote: int


@dataclasses.dataclass(frozen=True, slots=True)
class NoComment(Payload):
    """After a 👎 on answer ``ask_id``: the visitor has nothing to add."""

    prefix: ClassVar[str] = "fbn"
    ask_id: int
