"""The staff chat's handoff buttons ("hc:12" take, "hx:12" close). Anyone in the group can
press them, or forge one: the feature checks that the presser is staff every time."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from bot.core.payloads import Payload


@dataclasses.dataclass(frozen=True, slots=True)
class TakeHandoff(Payload):
    prefix: ClassVar[str] = "hc"
    handoff_id: int


@dataclasses.dataclass(frozen=True, slots=True)
class CloseHandoff(Payload):
    prefix: ClassVar[str] = "hx"
    handoff_id: int


FAMILIES = (TakeHandoff, CloseHandoff)
