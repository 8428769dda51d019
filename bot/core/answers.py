"""Compose the text of replies about content items, in the current locale."""

from __future__ import annotations

import datetime as dt

from bot.calendar.format import format_range
from bot.calendar.recurrence import Occurrence, next_occurrence, occurrences_between
from bot.content.loader import ContentPack
from bot.content.schema import Event, Item, Place, Province, Tour
from bot.core.models import Button, ItemRef, Venue
from bot.core.payloads import Browse, Remind, ShowMap
from bot.i18n import current_lang
from bot.i18n import gettext as _

KIND_LABELS = {
    "province": "Province",
    "place": "Place",
    "tour": "Tour",
    "event": "Event",
    "heritage": "Heritage",
    "faq": "FAQ",
    "programme": "Programme",
    "dish": "Dish",
}


def occurrence_for(
    event: Event, today: dt.date, window: tuple[dt.date, dt.date] | None = None
) -> Occurrence | None:
    """The occurrence to show: the first inside ``window`` if given, else the next one."""
    if window is not None:
        inside = occurrences_between(event.recurrence, window[0], window[1])
        upcoming = [o for o in inside if o.end >= today] or inside
        if upcoming:
            return upcoming[0]
    return next_occurrence(event.recurrence, today)


def item_ref(item: Item, occurrence: Occurrence | None = None) -> ItemRef:
    lang = current_lang()
    if occurrence is not None:
        return ItemRef(item.id, item.kind, item.name.get(lang), occurrence.start, occurrence.end)
    return ItemRef(item.id, item.kind, item.name.get(lang))


def province_line(pack: ContentPack, item: Item) -> str | None:
    """ "Province: Bắc Giang (now part of Bắc Ninh)" for the item's provinces."""
    lang = current_lang()
    parts = []
    for pid in item.provinces:
        province = pack.items.get(pid)
        if not isinstance(province, Province):
            continue
        name = province.name.get(lang)
        now = pack.current_province(pid)
        if now != pid:
            new = pack.items[now].name.get(lang)
            parts.append(_("{old} (now part of {new})").format(old=name, new=new))
        else:
            parts.append(name)
    if not parts:
        return None
    return _("Province: {names}").format(names=", ".join(parts))


def when_line(event: Event, occurrence: Occurrence | None) -> str:
    """The next dates of an event, both calendars, hedged when they vary by year."""
    lang = current_lang()
    note = event.recurrence.note.get(lang) if event.recurrence.note else None
    if occurrence is None:
        text = _("No dates are announced yet.")
    else:
        dates = format_range(occurrence.start, occurrence.end, lang)
        if event.recurrence.approximate:
            text = _("Next: around {dates}").format(dates=dates)
        else:
            text = _("Next: {dates}").format(dates=dates)
        if occurrence.main not in (occurrence.start,) and occurrence.start != occurrence.end:
            text += "\n" + _("Main day: {date}").format(
                date=format_range(occurrence.main, occurrence.main, lang)
            )
    return f"{text}\n{note}" if note else text


def tour_days(pack: ContentPack, tour: Tour) -> str:
    lang = current_lang()
    lines = []
    for day in tour.days:
        stops = ", ".join(pack.items[s].name.get(lang) for s in day.stops if s in pack.items)
        line = _("Day {n}: {title}").format(n=day.day, title=day.title.get(lang))
        if stops:
            line += f" — {stops}"
        lines.append(line)
    return "\n".join(lines)


def item_text(
    pack: ContentPack, item: Item, occurrence: Occurrence | None, detail: bool = True
) -> str:
    """The full text about one item, without its title."""
    lang = current_lang()
    parts = [item.summary.get(lang)]
    if isinstance(item, Event):
        parts.append(when_line(item, occurrence))
    if detail:
        parts.append(item.body.get(lang))
    if isinstance(item, Tour) and detail:
        parts.append(tour_days(pack, item))
    if not isinstance(item, Province):
        line = province_line(pack, item)
        if line:
            parts.append(line)
    return "\n\n".join(p for p in parts if p)


def item_buttons(item: Item) -> tuple[tuple[Button, ...], ...]:
    """Buttons to go further from one item."""
    lang = current_lang()
    row: list[Button] = []
    if isinstance(item, Place) and item.coordinates is not None:
        row.append(Button(_("Show on map"), payload=ShowMap(item.id).pack()))
    if isinstance(item, Event):
        row.append(Button(_("Remind me"), payload=Remind(item.id).pack()))
    row.append(Button(_("Share"), share=item.name.get(lang)))
    rows = [tuple(row)]
    if isinstance(item, Province):
        rows.append(
            (
                Button(_("Places"), payload=Browse(item.id, "place", 0).pack()),
                Button(_("Events"), payload=Browse(item.id, "event", 0).pack()),
                Button(_("Tours"), payload=Browse(item.id, "tour", 0).pack()),
            )
        )
    return tuple(rows)


def venue_of(pack: ContentPack, item: Item) -> Venue | None:
    if isinstance(item, Place) and item.coordinates is not None:
        lang = current_lang()
        address = item.address.get(lang) if item.address else (province_line(pack, item) or "")
        return Venue(item.coordinates.lat, item.coordinates.lon, item.name.get(lang), address)
    return None
