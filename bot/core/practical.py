"""Practical questions about an item: opening hours, tickets and how to get there, told
from what the content gives (dated), never with a figure it does not have."""

from __future__ import annotations

import re

from bot.content.loader import ContentPack
from bot.content.schema import Item, Place, Province, Tour
from bot.core.answers import (
    RELATED,
    directions_places,
    has_pin,
    item_ref,
    practical_line,
    venue_of,
    way_buttons,
    where_line,
)
from bot.core.labels import short
from bot.core.models import Button, Reply
from bot.core.payloads import ShowMap
from bot.core.snippets import SNIPPET_CHARS, sentences
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.text.fold import fold

# Facilities visitors ask about that the content never lists: a question about one is
# answered "not known", not with the place's page as if it said yes.
AMENITIES: dict[str, str] = {
    "wifi": r"\bwi ?fi\b|\binternet\b|\bsong (?:dien thoai|4g|5g)\b|\b[45]g\b",
    "parking": r"\b(?:gui|do|giu) (?:xe|oto|o to)\b|\bbai (?:do|gui) xe\b|\bparking\b"
    r"|\bcar park\b|\bpark (?:the|my|a) car\b",
    "toilets": r"\b(?:nha|cho) ve sinh\b|\btoilets?\b|\brestrooms?\b|\bwc\b"
    r"|\bbathrooms?\b",
    "atm": r"\batm\b|\bcay rut tien\b|\brut tien\b|\bcash machine\b",
    "wheelchair": r"\bxe lan\b|\bwheelchairs?\b|\bdisabled access\b|\bstep free\b",
    "charging": r"\bsac (?:dien thoai|pin)\b|\bcharg(?:e|ing) (?:my |a )?(?:phone|battery)\b",
    "lockers": r"\b(?:gui|cat) do\b|\blockers?\b|\bleft luggage\b|\bluggage storage\b",
}
_AMENITY_RX = {key: re.compile(rx) for key, rx in AMENITIES.items()}
_HOURS = frozenset({"hours", "opening_hours"})
_TICKETS = frozenset({"tickets", "price"})


def practical_reply(pack: ContentPack, item: Item, aspect: str, lang: str) -> Reply:
    """Opening hours (``aspect`` "hours") or tickets ("tickets", "price") of ``item`` (or
    of its places) as the content gives them, dated; else a plain "not known, check
    locally", never a figure the content does not have."""
    if aspect not in _HOURS | _TICKETS:
        raise ValueError(f"unknown practical aspect {aspect!r}")
    with use_lang(lang):
        lines = []
        places = directions_places(pack, item)
        for place in places:
            practical = place.opening_hours if aspect in _HOURS else place.tickets
            if practical is None:
                continue
            text = practical_line(practical.text.get(lang), practical.as_of, lang)
            lines.append(text if len(places) == 1 else f"{place.name.get(lang)}: {text}")
        name = item.name.get(lang)
        if not lines:
            if aspect in _HOURS:
                text = _("I have no opening hours for {name}. Please check locally before you go.")
            else:
                text = _(
                    "I have no ticket price for {name}: the content gives no figure. Please"
                    " check locally before you go."
                )
            lines.append(text.format(name=name))
        return Reply(
            text="\n".join(lines),
            lang=lang,
            title=name,
            items=(item_ref(item),),
            buttons=way_buttons(pack, item),
        )


def directions_reply(pack: ContentPack, item: Item, lang: str) -> Reply:
    """How to get to ``item`` (a place, or the places of an event, tour or dish) from the
    content's ``getting_there`` and a tour's travel notes; else "no directions yet" with
    the address and a map pin."""
    with use_lang(lang):
        places = directions_places(pack, item)
        lines: list[str] = []
        if isinstance(item, Tour):
            lines += [
                _("Day {n}: {title}").format(n=day.day, title=day.travel.get(lang))
                for day in item.days
                if day.travel is not None
            ]
        for place in places[:RELATED]:
            name = place.name.get(lang)
            table = _table_distance(pack, place, lang)
            said = _("From Hanoi, as the distance table gives it: {distance}.")
            if place.getting_there is not None:
                way = place.getting_there.get(lang)
                # Sources differ at times: the table's figure too, when the way lacks it.
                if table is not None and not set(re.findall(r"\d+", table)) <= set(
                    re.findall(r"\d+", way)
                ):
                    way += "\n" + said.format(distance=table)
            elif table is not None:
                way = said.format(distance=table)
            else:
                way = _province_distance(pack, place, lang) or ""
            if place.getting_there is None and (access := _access_sentence(place, lang)):
                way = f"{way}\n{access}".strip()  # what the description says of the way in
            way = way or _("No directions yet.")
            head = "" if place is item else f"{name}: "
            lines.append(f"{head}{way}\n{where_line(pack, place)}")
        if not lines:
            lines.append(_("I have no directions for {name} yet.").format(name=item.name.get(lang)))
        return Reply(
            text="\n\n".join(lines),
            lang=lang,
            title=_("How to get to {name}").format(name=item.name.get(lang)),
            items=(item_ref(item), *(item_ref(p) for p in places[:RELATED] if p is not item)),
            buttons=tuple(
                (
                    Button(
                        short(_("Map: {name}").format(name=p.name.get(lang))),
                        payload=ShowMap(p.id).pack(),
                    ),
                )
                for p in places[:RELATED]
                if has_pin(p)
            ),
            venue=venue_of(pack, places[0]) if places else None,
        )


def _province_distance(pack: ContentPack, place: Place, lang: str) -> str | None:
    """ "No directions yet" said more usefully: how far the place's province (its city)
    is from Hanoi, as the province's page gives it."""
    for ident in place.provinces:
        province = pack.items.get(ident)
        if isinstance(province, Province) and province.distance_from_hanoi_km:
            text = _(
                "No directions for this place yet; {province} (the city) is about {km} km"
                " from Hanoi."
            )
            return text.format(province=province.name.get(lang), km=province.distance_from_hanoi_km)
    return None


def _table_distance(pack: ContentPack, place: Place, lang: str) -> str | None:
    """The entry for ``place`` in the content's table of distances from Hanoi (an FAQ
    tagged ``distance``), when the table names it: "hồ Ba Bể khoảng 240 km"."""
    names = [
        f" {n} "
        for n in (fold(x) for x in (place.name.vi, place.name.en, *place.aliases))
        if len(n.split()) >= 2
    ]
    for table in pack.items.values():
        if table.kind != "faq" or "distance" not in table.tags:
            continue
        for entry in re.split(r"[;:]\s*", table.body.get(lang)):
            folded = " " + " ".join(re.findall(r"[0-9a-z]+", fold(entry))) + " "
            if " km " in folded and any(n in folded for n in names):
                return entry.strip().rstrip(".")
    return None


def amenity_asked(folded: str) -> str | None:
    """The facility a folded question asks about ("có wifi không"), if any."""
    return next((key for key, rx in _AMENITY_RX.items() if rx.search(folded)), None)


def says_amenity(item: Item, key: str) -> bool:
    """Whether the item's own text speaks of the facility (then it is answered from it)."""
    text = " ".join(
        " ".join(re.findall(r"[0-9a-z]+", fold(t.vi + " " + t.en)))
        for t in (item.summary, item.body)
    )
    return _AMENITY_RX[key].search(text) is not None


def amenity_reply(pack: ContentPack, item: Item, key: str, lang: str) -> Reply:
    """ "I have no information about Wi-Fi at Tam Thanh Cave": the content lists no
    facilities, so none is confirmed or denied (``answered`` is False)."""
    with use_lang(lang):
        names = {
            "wifi": _("Wi-Fi or mobile signal"),
            "parking": _("parking"),
            "toilets": _("toilets"),
            "atm": _("cash machines (ATMs)"),
            "wheelchair": _("wheelchair access"),
            "charging": _("phone charging"),
            "lockers": _("left luggage"),
        }
        text = _(
            "I have no information about {what} at {name}. Please check locally before you go."
        ).format(what=names[key], name=item.name.get(lang))
        return Reply(
            text=text,
            lang=lang,
            title=item.name.get(lang),
            answered=False,
            items=(item_ref(item),),
            buttons=way_buttons(pack, item),
        )


# Words of a sentence that tells how one reaches a place on the spot (by boat, on foot).
_ACCESS = re.compile(
    r"\b(?:thuyền|xuồng|đò|đi bộ|leo|bậc|cáp treo|boat|walk|climb|steps|cable car|on foot)\b",
    re.IGNORECASE,
)


def _access_sentence(place: Place, lang: str) -> str | None:
    """The first sentence of the description about reaching the place, when the content
    gives no way there: "thường đi thuyền trên hồ tới chân núi rồi leo bộ lên"."""
    found = [
        s for s in sentences(place.body.get(lang)) if len(s) <= SNIPPET_CHARS and _ACCESS.search(s)
    ]
    # The sentence with the most such words: "by boat, then on foot" over "climb the steps".
    return max(found, key=lambda s: len(_ACCESS.findall(s)), default=None)
