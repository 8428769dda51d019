"""Channel-neutral messages and replies: what adapters convert to and from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, whatever the platform.

    ``payload`` is set when the user pressed a button (compact ASCII, <= 64 bytes);
    ``text`` when they typed; ``location`` when they shared one. In a group with forum
    topics ``thread_id`` is the topic; ``reply_to`` is the message this one answers.
    """

    channel: str
    user_id: str
    chat_id: str
    text: str | None = None
    payload: str | None = None
    location: Location | None = None
    language_hint: str | None = None
    display_name: str | None = None
    thread_id: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A button: ``payload`` comes back as ``Inbound.payload``; ``url`` opens a link;
    ``share`` asks the platform to let the user share ``share`` (inline query text)."""

    label: str
    payload: str | None = None
    url: str | None = None
    share: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A content item mentioned in a reply (with its next dates for events)."""

    id: str
    kind: str
    title: str
    start: dt.date | None = None
    end: dt.date | None = None

    def as_json(self) -> dict[str, str]:
        out = {"id": self.id, "kind": self.kind, "title": self.title}
        if self.start is not None:
            out["start"] = self.start.isoformat()
        if self.end is not None:
            out["end"] = self.end.isoformat()
        return out


@dataclass(frozen=True, slots=True)
class Venue:
    """A pin on a map, for platforms that can send one."""

    lat: float
    lon: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class Image:
    """A picture (PNG bytes) with its caption; channels without pictures show the caption."""

    png: bytes
    caption: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says back. Adapters decide markup, splitting and keyboards.

    ``text`` is plain text (adapters escape it); ``title`` is an optional heading the
    adapter may set in bold. A ``toast`` reply to a button press is shown as the button's
    short notice where the platform has one (Telegram), not as a message.
    """

    text: str
    lang: str
    answered: bool = True
    title: str | None = None
    items: tuple[ItemRef, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    venue: Venue | None = None
    image: Image | None = None
    toast: bool = False
    extras: dict[str, str] = field(default_factory=dict)
