"""The dialogue state of a chat: what it is about, and the options last offered.

It is read with the user (one column of the row every message upserts anyway) and kept
in memory for the chats seen recently; changes are written behind the replies, many at
once, so the state costs a message no database round trip of its own. A state older
than the quiet period is forgotten: a visitor back the next day starts afresh.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.batching import WriteBehind
from bot.content.schema import Item
from bot.core.models import Reply
from bot.store.users import User, Users

log = logging.getLogger(__name__)

CACHED_CHATS = 10_000
FLUSH_DELAY = 0.2  # seconds: changes within this window go out in one transaction
KEPT_TURNS = 4  # exchanges kept for staff, each side cut to TURN_CHARS
TURN_CHARS = 200


@dataclass(frozen=True, slots=True)
class DialogueState:
    """``subject``: ids of the items the last content reply was about (first = main);
    ``options``: the payloads of the buttons last offered, in the order they are numbered;
    ``at``: when it was last changed (epoch seconds); ``turns``: the last few exchanges
    as (what the visitor wrote, the start of the answer), shown to staff on a handoff."""

    subject: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    at: float = 0.0
    turns: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> str:
        data = {"s": list(self.subject), "o": list(self.options), "t": self.at}
        if self.turns:
            data["h"] = [list(t) for t in self.turns]
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str | None) -> DialogueState:
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            return cls(
                tuple(str(s) for s in data.get("s", ())),
                tuple(str(o) for o in data.get("o", ())),
                float(data.get("t", 0.0)),
                tuple((str(a), str(b)) for a, b in data.get("h", ())),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()  # a damaged state is no state, never a failed message

    def after(self, replies: Sequence[Reply], now: float, asked: str = "") -> DialogueState:
        """The state once ``replies`` are sent: the first reply about items sets the
        subject; every payload button, numbered across the replies, is an option; a
        typed message (``asked``) and the answer's first line join the last turns."""
        subject = self.subject
        for reply in replies:
            if reply.items and reply.answered:
                subject = tuple(i.id for i in reply.items)
                break
        options = tuple(b.payload for r in replies for row in r.buttons for b in row if b.payload)
        turns = self.turns
        if asked:
            answer = replies[0].text.strip().split("\n", 1)[0] if replies else ""
            turns = (*turns, (asked[:TURN_CHARS], answer[:TURN_CHARS]))[-KEPT_TURNS:]
        return DialogueState(subject, options, now, turns)


class DialogueKeeper:
    """States by chat: cached, expired after ``ttl`` seconds, persisted write-behind."""

    def __init__(self, users: Users, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self._users = users
        self._ttl = ttl
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str], DialogueState] = OrderedDict()
        self._pending: dict[tuple[str, str], DialogueState] = {}
        self._writes = WriteBehind(self.flush, FLUSH_DELAY)
        self._forgotten: set[tuple[str, str]] = set()

    def state_of(self, user: User) -> DialogueState:
        key = (user.channel, user.user_id)
        state = self._cache.get(key)
        if state is None:
            state = DialogueState.from_json(user.dialogue)
        if state.at and self._clock() - state.at > self._ttl:
            return DialogueState()
        return state

    def update(self, user: User, state: DialogueState) -> None:
        key = (user.channel, user.user_id)
        if key in self._forgotten:  # the reply to /forget: nothing more is kept
            self._forgotten.discard(key)
            return
        self._cache[key] = state
        self._cache.move_to_end(key)
        while len(self._cache) > CACHED_CHATS:
            self._cache.popitem(last=False)
        self._pending[key] = state
        self._writes.poke()

    def forget(self, channel: str, user_id: str) -> None:
        """Drop a chat's state (its row is being deleted)."""
        self._cache.pop((channel, user_id), None)
        self._pending.pop((channel, user_id), None)
        self._forgotten.add((channel, user_id))

    async def flush(self) -> None:
        """Write every pending state now (also at shutdown)."""
        rows = [(c, u, s.to_json()) for (c, u), s in self._pending.items()]
        self._pending.clear()
        if not rows:
            return
        try:
            await self._users.save_dialogues(rows)
        except Exception:  # losing context is better than failing a reply
            log.exception("dialogue: %d states not saved", len(rows))

    async def close(self) -> None:
        await self._writes.close()


# The words that point back at the subject, longest first so "ở đó" goes before "đó".
_POINTERS = re.compile(
    r"\b(?:ở đó|ở đấy|chỗ đó|chỗ ấy|nơi đó|nơi ấy|o do|cho do|noi do|that place|this place"
    r"|there|its|it|nó|đó|đấy)\b",
    re.IGNORECASE,
)


def resolve(text: str, subject: Item, lang: str) -> str:
    """``text`` about ``subject``: its pointer word replaced by the subject's name, or the
    name put in front of an elliptic question ("bao xa?" → "Côn Sơn bao xa?").

    The shortest alias of two words or more stands for the name when there is one: "Côn
    Sơn" finds the pages about Côn Sơn better than "Côn Sơn Relic Site" would."""
    short = [a for a in subject.aliases if len(a.split()) >= 2]
    name = min(short, key=len) if short else subject.name.get(lang)
    resolved, count = _POINTERS.subn(name, text, count=1)
    return resolved if count else f"{name} {text}"
