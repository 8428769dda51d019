"""The staff buttons' payload families (all under the "st" prefix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.core.payloads import Payload

PREFIX = "st:"


@dataclass(frozen=True, slots=True)
class Progress(Payload):
    prefix: ClassVar[str] = "st:p"
    ident: int


@dataclass(frozen=True, slots=True)
class AskCancel(Payload):
    prefix: ClassVar[str] = "st:c"
    ident: int


@dataclass(frozen=True, slots=True)
class Cancel(Payload):
    prefix: ClassVar[str] = "st:cy"
    ident: int


@dataclass(frozen=True, slots=True)
class Discard(Payload):
    prefix: ClassVar[str] = "st:x"


@dataclass(frozen=True, slots=True)
class Skip(Payload):
    """Leave out the text of the language being asked for."""

    prefix: ClassVar[str] = "st:s"


@dataclass(frozen=True, slots=True)
class SendNow(Payload):
    prefix: ClassVar[str] = "st:n"


@dataclass(frozen=True, slots=True)
class ChooseAll(Payload):
    prefix: ClassVar[str] = "st:a:all"


@dataclass(frozen=True, slots=True)
class ChooseAudience(Payload):
    """A province ("p"), event ("e") or tag ("t") audience."""

    prefix: ClassVar[str] = "st:a"
    scope: str
    target: str


@dataclass(frozen=True, slots=True)
class Edit(Payload):
    """Go back to a step: "vi", "en", "a" (audience) or "w" (when)."""

    prefix: ClassVar[str] = "st:e"
    step: str


@dataclass(frozen=True, slots=True)
class Confirm(Payload):
    """Send the draft previewed at revision ``rev`` (an older preview is refused)."""

    prefix: ClassVar[str] = "st:ok"
    rev: int


FAMILIES: tuple[type[Payload], ...] = (
    Progress,
    AskCancel,
    Cancel,
    Discard,
    Skip,
    SendNow,
    ChooseAll,
    ChooseAudience,
    Edit,
    Confirm,
)
