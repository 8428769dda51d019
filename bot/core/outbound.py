"""What sending to a platform reports: one send, and what became of it.

Each channel module provides a ``Sender`` and maps its platform's errors to an
``Outcome``, so the outbox worker's policy (pause everything, block the user, retry,
give up) is written once and the Zalo reply paths share the same result type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

OutcomeKind = Literal["sent", "failed", "skipped", "blocked", "retry_after", "temporary"]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a message: the user on a channel (private chats: user id = chat id)."""

    channel: str
    user_id: str
    lang: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one send.

    ``sent``; ``failed`` (a permanent error, ``reason`` says which); ``skipped`` (not
    sent on purpose, e.g. outside a platform's messaging window); ``blocked`` (the user
    blocked the bot); ``retry_after`` (flood control: pause *every* send ``seconds``);
    ``temporary`` (time-out, 5xx, connection error: retry this one later with backoff).
    """

    kind: OutcomeKind
    reason: str = ""
    seconds: float = 0.0

    @classmethod
    def sent(cls) -> Outcome:
        return cls("sent")

    @classmethod
    def failed(cls, reason: str) -> Outcome:
        return cls("failed", reason)

    @classmethod
    def skipped(cls, reason: str) -> Outcome:
        return cls("skipped", reason)

    @classmethod
    def blocked(cls) -> Outcome:
        return cls("blocked", "blocked")

    @classmethod
    def retry_after(cls, seconds: float) -> Outcome:
        return cls("retry_after", f"flood control {seconds:g}s", seconds)

    @classmethod
    def temporary(cls, reason: str) -> Outcome:
        return cls("temporary", reason)


class Sender(Protocol):
    """Sends plain text to one recipient of one channel. Must not raise for platform
    errors: every one becomes an ``Outcome``."""

    channel: str

    async def send(self, user: Recipient, text: str) -> Outcome: ...

    async def close(self) -> None:
        """Release the sender's connections (it is not used afterwards)."""
        ...
