"""Lists on request: "what tours do you have", "danh sách địa điểm ở Lạng Sơn", "festivals
in March". Every matching item is named; buttons page through them.

A list's page button carries its key: ``l.<kind>.<province or ->.<month or 0>[.<tag>]``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.calendar.format import format_range
from bot.calendar.recurrence import Occurrence
from bot.content.loader import ContentPack
from bot.content.schema import Event, Item
from bot.core import answers, events
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.labels import short
from bot.core.models import Button, Reply
from bot.core.payloads import Page, ShowItem
from bot.i18n import gettext as _
from bot.nlu import Intent

PER_PAGE = 8
# Kinds of place a list can be narrowed to ("những đền nào ở Nghệ An"), by content tag.
PLACE_TAGS = (
    "temple", "pagoda", "communal-house", "craft-village", "lake", "cave", "market", "museum",
    "beach", "history",
)  # fmt: skip
KINDS = {"tour": "tour", "event": "event", "place": "place", "heritage": "heritage", "food": "dish"}


class ListFeature:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def claims(self, turn: Turn) -> bool:
        if turn.msg.payload is not None:
            page = Page.unpack(turn.msg.payload)
            return page is not None and page.key.startswith("l.")
        return turn.intent is Intent.LIST

    async def handle(self, turn: Turn) -> list[Reply]:
        pack = self._engine.pack
        if turn.msg.payload is not None:
            page = Page.unpack(turn.msg.payload)
            spec = _parse_key(page.key) if page is not None else None
            if page is None or spec is None:
                return [stale_button(turn.lang)]
            kind, province, month, tag = spec
            return [self._reply(pack, kind, province, month, page.page, turn, tag)]
        assert turn.parse is not None
        slots = turn.parse.slots
        kind = KINDS.get(slots.list_kind or "", "place")
        province = slots.province if slots.province in pack.items else None
        about = None
        if province is None and slots.anaphora:  # "ở đó có đền nào": where we were talking of
            province = self._subject_province(turn)
            about = pack.items.get(turn.state.subject[0]) if province else None
        window = slots.window
        if window is not None and kind in ("event", "place"):
            # "this weekend", "10–20 February": the festivals in exactly that window.
            within = pack.provinces_within(province) if province else set()
            span = (window.start, window.end)
            return [events.listing(pack, turn.today, turn.lang, span, within)]
        month = slots.month or 0
        if month and kind not in ("event", "tour"):
            kind = "event"  # "what is on in March": festivals
        tags = [t for t in slots.list_tags if t in PLACE_TAGS] if kind == "place" else []
        tag = "+".join(dict.fromkeys(tags)) or None  # "lakes and caves": either
        reply = self._reply(pack, kind, province, month, 0, turn, tag)
        if about is not None and reply.answered:
            # Still about the subject: the next "it" is the place, not the first listed.
            reply = dataclasses.replace(reply, items=(answers.item_ref(about), *reply.items))
        return [reply]

    def _subject_province(self, turn: Turn) -> str | None:
        pack = self._engine.pack
        subject = pack.items.get(turn.state.subject[0]) if turn.state.subject else None
        if subject is None:
            return None
        if subject.kind == "province":
            return subject.id
        return subject.provinces[0] if len(subject.provinces) == 1 else None

    def _reply(
        self,
        pack: ContentPack,
        kind: str,
        province: str | None,
        month: int,
        page: int,
        turn: Turn,
        tag: str | None = None,
    ) -> Reply:
        lang = turn.lang
        found = _matching(pack, kind, province, month, turn.today)
        if tag is not None:
            wanted = set(tag.split("+"))
            found = [i for i in found if wanted & set(i.tags)]
        start = page * PER_PAGE
        chunk = found[start : start + PER_PAGE]
        if not chunk:
            text = _("I have nothing of that kind listed there yet.")
            return Reply(text=text, lang=lang, answered=False)
        where = pack.items[province].name.get(lang) if province else None
        head = _heading(kind, where, len(found), lang, tag)
        lines = [head, *(f"• {_line(item, turn.today, lang)}" for item in chunk)]
        rows: list[tuple[Button, ...]] = [
            (Button(short(i.name.get(lang)), ShowItem(i.id).pack()),) for i in chunk
        ]
        key = f"l.{kind}.{province or '-'}.{month}" + (f".{tag}" if tag else "")
        nav = []
        if page > 0:
            nav.append(Button(_("« Back"), payload=Page(key, page - 1).pack()))
        if start + PER_PAGE < len(found):
            nav.append(Button(_("Next page »"), payload=Page(key, page + 1).pack()))
        if nav:
            rows.append(tuple(nav))
        refs = tuple(answers.item_ref(i, _next(i, turn.today)) for i in chunk)
        return Reply(text="\n".join(lines), lang=lang, items=refs, buttons=tuple(rows))


def _parse_key(key: str) -> tuple[str, str | None, int, str | None] | None:
    parts = key.split(".")
    if len(parts) not in (4, 5) or parts[1] not in KINDS.values() or not parts[3].isdigit():
        return None
    tag = parts[4] if len(parts) == 5 else None
    if tag is not None and not set(tag.split("+")) <= set(PLACE_TAGS):
        return None
    return parts[1], (None if parts[2] == "-" else parts[2]), int(parts[3]), tag


def _matching(
    pack: ContentPack, kind: str, province: str | None, month: int, today: dt.date
) -> list[Item]:
    """The items of ``kind`` in ``province`` (old or new name), festivals by date."""
    within = pack.provinces_within(province) if province else None
    if kind == "event":
        start = today
        end = today + dt.timedelta(days=365)
        found = events.between(pack, start, end, within)
        if month:
            found = [(e, o) for e, o in found if o.start.month == month or o.end.month == month]
        unique = {e.id: e for e, _o in reversed(found)}  # models are not hashable: by id
        return [unique[i] for i in dict.fromkeys(e.id for e, _o in found)]
    items = [i for i in pack.of_kind(kind) if within is None or set(i.provinces) & within]
    return sorted(items, key=lambda i: i.name.vi)


def _next(item: Item, today: dt.date) -> Occurrence | None:
    return answers.occurrence_for(item, today) if isinstance(item, Event) else None


def _line(item: Item, today: dt.date, lang: str) -> str:
    name = item.name.get(lang)
    occurrence = _next(item, today)
    if occurrence is not None:
        return f"{name}: {format_range(occurrence.start, occurrence.end, lang)}"
    return name


def _tag_labels() -> dict[str, str]:
    """Headings of lists narrowed to a kind of place (translated when called)."""
    return {
        "temple": _("Temples"),
        "pagoda": _("Pagodas"),
        "communal-house": _("Communal houses"),
        "craft-village": _("Craft villages"),
        "lake": _("Lakes"),
        "cave": _("Caves"),
        "market": _("Markets"),
        "museum": _("Museums"),
        "beach": _("Beaches"),
        "history": _("Historic sites"),
    }


def _heading(kind: str, where: str | None, n: int, lang: str, tag: str | None = None) -> str:
    label = {
        "tour": _("Tours"),
        "event": _("Festivals"),
        "place": _("Places"),
        "heritage": _("Heritage"),
        "dish": _("Dishes"),
    }[kind]
    if tag is not None:
        label = " & ".join(_tag_labels()[t] for t in tag.split("+"))
    if where:
        return _("{kind} in {province} ({n}):").format(kind=label, province=where, n=n)
    return _("{kind} ({n}):").format(kind=label, n=n)
