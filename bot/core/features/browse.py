"""Browsing without typing: /events, /tours, /places, province pages, item and map buttons."""

from __future__ import annotations

from bot.content.schema import Place, Province, Tour
from bot.core import answers, events
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.labels import short
from bot.core.models import Button, Reply
from bot.core.payloads import Browse, Menu, ShowItem, ShowMap, decode
from bot.core.replies import item_answer
from bot.i18n import gettext as _

PAGE_SIZE = 6
LIST_KINDS = ("place", "event", "tour")
MENUS = ("events", "tours", "places")
_FAMILIES = (ShowItem, ShowMap, Browse, Menu)


class BrowseFeature:
    """Menus and the buttons that lead from one item to the next."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def claims(self, turn: Turn) -> bool:
        if turn.msg.payload is not None:
            return decode(turn.msg.payload, _FAMILIES) is not None
        command = turn.command
        return command is not None and command[0] in MENUS

    async def handle(self, turn: Turn) -> list[Reply]:
        lang = turn.lang
        if turn.msg.payload is None:
            assert turn.command is not None
            return [self.menu(turn.command[0], turn, lang)]
        payload = decode(turn.msg.payload, _FAMILIES)
        pack = self._engine.pack
        if isinstance(payload, ShowItem) and payload.item_id in pack.items:
            return [item_answer(pack, pack.items[payload.item_id], turn.today, lang)]
        if isinstance(payload, ShowMap):
            item = pack.items.get(payload.item_id)
            if isinstance(item, Place):
                venue = answers.venue_of(pack, item)
                if venue is None:  # a button from before its point was found unsure
                    text = _("I have no exact map position for {name} yet. Address: {address}")
                    text = text.format(name=item.name.get(lang), address=item.address.get(lang))
                    return [Reply(text=text, lang=lang)]
                return [Reply(text=item.name.get(lang), lang=lang, venue=venue)]
        if isinstance(payload, Menu) and payload.what in MENUS:
            return [self.menu(payload.what, turn, lang)]
        if (
            isinstance(payload, Browse)
            and payload.province_id in pack.items
            and payload.kind in LIST_KINDS
        ):
            return [self._page(payload, lang)]
        return [stale_button(lang)]

    def menu(self, what: str, turn: Turn, lang: str) -> Reply:
        """The events list, the tours, or the provinces to browse places by."""
        pack = self._engine.pack
        if what == "events":
            return events.listing(pack, turn.today, lang, None, set())
        if what == "tours":
            tours = [t for t in pack.items.values() if isinstance(t, Tour)]
            return Reply(
                text=_("Joint tours:"),
                lang=lang,
                buttons=tuple(
                    (Button(short(t.name.get(lang)), payload=ShowItem(t.id).pack()),) for t in tours
                ),
            )
        # Today's provinces first, then the former ones (Bắc Giang, Hải Dương, Bắc Kạn):
        # visitors and signposts still use the old names.
        provinces = [p for p in pack.items.values() if isinstance(p, Province)]
        provinces.sort(key=lambda p: (bool(p.merged_into), p.name.vi))
        return Reply(
            text=_("Choose a province:"),
            lang=lang,
            buttons=tuple(
                (Button(_province_label(p, lang), payload=Browse(p.id, "place", 0).pack()),)
                for p in provinces
            ),
        )

    def _page(self, where: Browse, lang: str) -> Reply:
        pack = self._engine.pack
        within = pack.provinces_within(where.province_id)
        kind, page = where.kind, where.page
        items = [i for i in pack.items.values() if i.kind == kind and set(i.provinces) & within]
        province = pack.items[where.province_id]
        chunk = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        rows: list[tuple[Button, ...]] = [
            (Button(short(i.name.get(lang)), payload=ShowItem(i.id).pack()),) for i in chunk
        ]
        nav = []
        if page > 0:
            nav.append(
                Button(_("« Back"), payload=Browse(where.province_id, kind, page - 1).pack())
            )
        if (page + 1) * PAGE_SIZE < len(items):
            nav.append(
                Button(_("Next page »"), payload=Browse(where.province_id, kind, page + 1).pack())
            )
        if nav:
            rows.append(tuple(nav))
        if not chunk:
            text = _("Nothing listed here yet.")
        else:
            label = {"place": _("Places"), "event": _("Events"), "tour": _("Tours")}[kind]
            text = _("{kind} in {province}:").format(kind=label, province=province.name.get(lang))
        return Reply(text=text, lang=lang, buttons=tuple(rows))


def _province_label(province: Province, lang: str) -> str:
    name = province.name.get(lang)
    return _("{name} (former)").format(name=name) if province.merged_into else name
