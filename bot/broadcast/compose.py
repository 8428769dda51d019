"""Announcement texts, audiences and send times: parsing, checking, and rendering exactly
as recipients see them (one function, used for the preview and for the send)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from bot.content.loader import ContentPack
from bot.content.schema import Event, Province
from bot.i18n import LANGS, gettext_in
from bot.i18n import gettext as _
from bot.store.outbox import EVERYONE

# Telegram allows 4,096 characters; the header and footer need room. (Zalo's 2,000 is
# the Zalo sender's business: it may split.)
MAX_BODY = 3500
EVERYONE_WORDS = ("all", "everyone", "everybody", "*", "tat-ca")
_SPLIT_RE = re.compile(r"[\s,;]+")
_WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M")


class AudienceError(ValueError):
    """A word of an audience that names nothing known; ``args[0]`` is the word."""


@dataclass(frozen=True, slots=True)
class Audience:
    """``spec`` as staff wrote it (normalised); ``topics`` the subscriptions it reaches."""

    spec: str
    topics: tuple[str, ...]


def tags_of(pack: ContentPack) -> set[str]:
    return {tag for item in pack.items.values() for tag in item.tags}


def resolve_audience(spec: str, pack: ContentPack) -> Audience:
    """Turn "province:lang-son event:hoi-lim" into subscription topics.

    Subscribers of "all" asked for everything, so they get province and topic news too;
    a province reaches the former provinces merged into it (and the other way round);
    an event's news goes to those who pressed "Remind me" on it. "all" reaches every
    subscriber.
    """
    words = [w for w in _SPLIT_RE.split(spec.strip().lower()) if w]
    if not words:
        raise AudienceError("")
    if any(w in EVERYONE_WORDS for w in words):
        return Audience("all", (EVERYONE,))
    topics: set[str] = set()
    names = []
    tags = tags_of(pack)
    for word in words:
        kind, _sep, ident = word.partition(":")
        if not ident:  # a bare id or tag: whatever it names
            kind, ident = _kind_of(word, pack, tags), word
        item = pack.items.get(ident)
        if kind == "province" and isinstance(item, Province):
            topics |= {"all", *(f"province:{p}" for p in pack.provinces_within(ident))}
        elif kind == "event" and isinstance(item, Event):
            topics.add(f"event:{ident}")
        elif kind == "tag" and ident in tags:
            topics |= {"all", f"tag:{ident}"}
        else:
            raise AudienceError(word)
        names.append(f"{kind}:{ident}")
    return Audience(" ".join(dict.fromkeys(names)), tuple(sorted(topics)))


def _kind_of(word: str, pack: ContentPack, tags: set[str]) -> str:
    item = pack.items.get(word)
    if isinstance(item, Province | Event):
        return item.kind
    return "tag" if word in tags else ""


def audience_label(spec: str, pack: ContentPack, lang: str) -> str:
    """The audience in words, in ``lang`` (for previews, lists and reports)."""
    parts = []
    for word in spec.split():
        if word in EVERYONE_WORDS:
            parts.append(gettext_in(lang, "all subscribers"))
            continue
        kind, _sep, ident = word.partition(":")
        item = pack.items.get(ident)
        name = item.name.get(lang) if item is not None else ident
        if kind == "event":
            parts.append(gettext_in(lang, "subscribers of {event}").format(event=name))
        elif kind == "tag":
            parts.append(gettext_in(lang, "topic “{tag}”").format(tag=ident))
        else:
            parts.append(name)
    return ", ".join(parts)


def check_text(text: str) -> str | None:
    """Why this body cannot be sent (translated), or None when it is fine."""
    if not text.strip():
        return _("The text is empty.")
    # Telegram counts UTF-16 code units: an emoji counts twice.
    length = len(text.encode("utf-16-le")) // 2
    if length > MAX_BODY:
        return _("The text is too long: {n} characters, at most {max}.").format(
            n=length, max=MAX_BODY
        )
    return None


def pick_text(text_vi: str | None, text_en: str | None, lang: str) -> str:
    """The recipient's language, falling back to the other one."""
    mine, other = (text_en, text_vi) if lang == "en" else (text_vi, text_en)
    body = mine or other
    if body is None:
        raise ValueError("an announcement needs a text in at least one language")
    return body


def render(kind: str, text_vi: str | None, text_en: str | None, lang: str) -> str:
    """The message exactly as a recipient reading ``lang`` gets it."""
    lang = lang if lang in LANGS else "vi"
    if kind == "reminder":
        header = gettext_in(lang, "⏰ Reminder")
    else:
        header = gettext_in(lang, "📢 Announcement")
    footer = gettext_in(lang, "Send /unsubscribe to stop these messages.")
    return f"{header}\n\n{pick_text(text_vi, text_en, lang).strip()}\n\n— {footer}"


def parse_when(text: str, tz: str, now: float) -> float:
    """A local date and time ("2026-12-01 09:00", or "01/12/2026 09:00") in ``tz`` as
    Unix seconds; raises ValueError when unreadable or not in the future."""
    cleaned = " ".join(text.strip().split())
    for fmt in _WHEN_FORMATS:
        try:
            naive = dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        when = naive.replace(tzinfo=ZoneInfo(tz)).timestamp()
        if when <= now:
            raise ValueError("in the past")
        return when
    raise ValueError("unreadable")


def format_when(when: float, tz: str) -> str:
    """Unix seconds as "2026-12-01 09:00" in ``tz`` (the form staff type)."""
    return dt.datetime.fromtimestamp(when, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


@dataclass(slots=True)
class Draft:
    """The announcement a staff member is composing in a chat, step by step.

    ``rev`` grows with every change; the preview's confirm button carries it, so only the
    version that was previewed can be sent.
    """

    rev: int = 1
    step: str = "vi"  # "vi" | "en" | "audience" | "when" | "preview"
    vi: str | None = None
    vi_done: bool = False
    en: str | None = None
    en_done: bool = False
    audience: str | None = None
    due_at: float | None = None  # None = send at once
    when_done: bool = False

    def next_step(self) -> str:
        for step, done in (
            ("vi", self.vi_done),
            ("en", self.en_done),
            ("audience", self.audience is not None),
            ("when", self.when_done),
        ):
            if not done:
                return step
        return "preview"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Draft:
        raw = json.loads(data)
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in raw.items() if k in fields})
