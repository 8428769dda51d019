"""Compose the text of replies about content items, in the current locale.

A reply about one item is phone-sized: the summary and two or three key facts (when,
where, how long, where to eat), with buttons to the rest (``More``, ``Directions``).
The whole text, practical details and directions are separate replies.
"""

from __future__ import annotations

import datetime as dt

from bot.calendar.format import format_date, format_range
from bot.calendar.recurrence import Occurrence, next_occurrence, occurrences_between
from bot.content.loader import ContentPack
from bot.content.schema import Dish, Event, Heritage, Item, Place, Province, Tour
from bot.core.labels import short
from bot.core.models import Button, ItemRef, Venue
from bot.core.payloads import Browse, Directions, More, Remind, ShowItem, ShowMap
from bot.core.snippets import sentences, snippets
from bot.i18n import current_lang, ngettext
from bot.i18n import gettext as _
from bot.text.fold import fold

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
SHORT_CHARS = 450  # the text of a one-item reply: one phone screen
RELATED = 3  # related items offered as buttons
_STOPS_NAMED = 4


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


# -- events: when, as of today ----------------------------------------------------------


def _dates(event: Event, occ: Occurrence, lang: str) -> str:
    dates = format_range(occ.start, occ.end, lang)
    return _("around {dates}").format(dates=dates) if event.recurrence.approximate else dates


def _held_this_year(event: Event, today: dt.date) -> Occurrence | None:
    """The last occurrence that started this (solar) year and is already over."""
    if today.month == 1 and today.day == 1:
        return None
    earlier = occurrences_between(
        event.recurrence, dt.date(today.year, 1, 1), today - dt.timedelta(days=1)
    )
    over = [o for o in earlier if o.end < today and o.start.year == today.year]
    return over[-1] if over else None


def when_line(
    event: Event,
    occurrence: Occurrence | None,
    today: dt.date | None = None,
    this_year: bool = False,
) -> str:
    """When ``event`` is, as of ``today``: next, happening now, or over this year and
    next; with this year's dates when the question asks about this year (``this_year``,
    or ``occurrence`` is a past one), marked "around" and with the content's note when
    the dates vary by year."""
    lang = current_lang()
    note = event.recurrence.note.get(lang) if event.recurrence.note else None
    if today is not None and occurrence is not None and occurrence.end < today:
        # A past occurrence asked for ("Hội Lim năm nay" in December): it, then the next.
        past: Occurrence | None = occurrence
        occurrence = next_occurrence(event.recurrence, today)
        this_year = True
    else:
        past = _held_this_year(event, today) if today is not None else None
    if occurrence is None:
        text = _("No dates are announced yet.")
        if past is not None:
            text = _("It was held on {dates}.").format(dates=_dates(event, past, lang)) + " " + text
    elif today is not None and occurrence.start <= today <= occurrence.end:
        end = format_date(occurrence.end, lang, with_lunar=False)
        text = _("Happening now, until {end}.").format(end=end)
    else:
        dates = _dates(event, occurrence, lang)
        if past is not None and past.start < occurrence.start and this_year:
            text = _("This year it was held on {past}; next: {dates}.").format(
                past=_dates(event, past, lang), dates=dates
            )
        elif past is not None and past.start < occurrence.start:
            # Not the old dates: a glance must not take them for the next ones.
            text = _("This year's is over; next: {dates}.").format(dates=dates)
        else:
            text = _("Next: {dates}").format(dates=dates)
        if occurrence.main != occurrence.start and occurrence.start != occurrence.end:
            text += "\n" + _("Main day: {date}").format(
                date=format_date(occurrence.main, lang, with_lunar=False)
            )
    return f"{text}\n{note}" if note else text


# -- the key facts of each kind ---------------------------------------------------------


def where_line(pack: ContentPack, place: Place) -> str:
    """The address, with the province now and before the 2025 merger when it does not
    already say so."""
    lang = current_lang()
    text = _("Address: {address}").format(address=place.address.get(lang).rstrip("."))
    line = province_line(pack, place)
    if line is not None and any(
        fold(pack.items[pack.current_province(p)].name.get(lang)) not in fold(text)
        for p in place.provinces
        if p in pack.items
    ):
        text += ". " + line
    return text


def _names(pack: ContentPack, ids: list[str], limit: int) -> str:
    lang = current_lang()
    names = [pack.items[i].name.get(lang) for i in ids if i in pack.items]
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += " " + ngettext("and {n} more", "and {n} more", len(names) - limit).format(
            n=len(names) - limit
        )
    return shown


def tour_line(pack: ContentPack, tour: Tour) -> str:
    """ "3 days: stop, stop, stop and 5 more" """
    stops = list(dict.fromkeys(s for day in tour.days for s in day.stops))
    days = ngettext("{n} day", "{n} days", tour.duration_days).format(n=tour.duration_days)
    if not stops:
        return days
    return _("{days}: {stops}").format(days=days, stops=_names(pack, stops, _STOPS_NAMED))


def key_facts(
    pack: ContentPack,
    item: Item,
    occurrence: Occurrence | None,
    today: dt.date | None,
    this_year: bool = False,
) -> list[str]:
    """The two or three facts a visitor asks about first, for each kind of item."""
    lang = current_lang()
    facts: list[str] = []
    if isinstance(item, Event):
        facts.append(when_line(item, occurrence, today, this_year))
    elif isinstance(item, Place):
        facts.append(where_line(pack, item))
    elif isinstance(item, Tour):
        facts.append(tour_line(pack, item))
    elif isinstance(item, Dish):
        facts.append(_("Where to eat or buy: {places}").format(places=_names(pack, item.where, 3)))
        if item.season is not None:
            facts.append(_("Season: {when}").format(when=item.season.get(lang)))
    elif isinstance(item, Province):
        if item.seat is not None:
            facts.append(_("Seat: {seat}").format(seat=item.seat.get(lang)))
        if item.distance_from_hanoi_km is not None:
            km = item.distance_from_hanoi_km
            facts.append(_("About {km} km from Hanoi.").format(km=km))
    elif isinstance(item, Heritage) and item.listing is not None:
        facts.append(item.listing.get(lang))
    if not isinstance(item, Place | Province) and not _names_province(pack, item, facts):
        line = province_line(pack, item)
        if line is not None:
            facts.append(line)
    if item.confidence == "uncertain":
        facts.append(_("Not fully confirmed: please check locally before you go."))
    return facts


def _names_province(pack: ContentPack, item: Item, facts: list[str]) -> bool:
    """Whether the summary or ``facts`` already name each province of ``item`` (now)."""
    lang = current_lang()
    said = fold(" ".join([item.summary.get(lang), *facts]))
    now = {pack.current_province(p) for p in item.provinces if p in pack.items}
    return bool(now) and all(fold(pack.items[p].name.get(lang)) in said for p in now)


def _new(part: str, shown: list[str]) -> bool:
    """Whether ``part`` says something not already shown (no sentence said twice)."""
    folded = fold(part)
    return not any(folded in fold(s) for s in shown)


def way_line(pack: ContentPack, item: Item) -> str | None:
    """How to get there, from the item's (or its first place's) ``getting_there``."""
    for place in directions_places(pack, item)[:1]:
        if place.getting_there is not None:
            way = place.getting_there.get(current_lang())
            return way if place is item else f"{place.name.get(current_lang())}: {way}"
    return None


def item_text(
    pack: ContentPack,
    item: Item,
    occurrence: Occurrence | None,
    today: dt.date | None = None,
    words: set[str] | None = None,
    way: bool = False,
    this_year: bool = False,
    when: bool = False,
) -> str:
    """The short text about one item, without its title: the summary and key facts, the
    way there when asked (``way``), a tour's best time when asked (``when``), and the
    sentence that answers the question (``words``) when the rest does not."""
    lang = current_lang()
    parts = [item.summary.get(lang)]
    for fact in key_facts(pack, item, occurrence, today, this_year):
        if _new(fact, parts):
            parts.append(fact)
    if way and (line := way_line(pack, item)) is not None and _new(line, parts):
        parts.append(line)
    if when and isinstance(item, Tour) and item.best_time is not None:
        parts.append(_("Best time: {when}").format(when=item.best_time.get(lang)))
    for extra in snippets(item, words, "\n".join(parts))[:2] if words else []:
        if sum(len(p) + 1 for p in parts) + len(extra) <= SHORT_CHARS and _new(extra, parts):
            parts.append(extra)
    return "\n".join(parts)


def tour_days(pack: ContentPack, tour: Tour) -> str:
    lang = current_lang()
    lines = []
    for day in tour.days:
        stops = ", ".join(pack.items[s].name.get(lang) for s in day.stops if s in pack.items)
        line = _("Day {n}: {title}").format(n=day.day, title=day.title.get(lang))
        if stops:
            line += f" — {stops}"
        if day.travel is not None:
            line += "\n" + day.travel.get(lang)
        lines.append(line)
    return "\n".join(lines)


def more_text(pack: ContentPack, item: Item) -> str:
    """Everything the content says about ``item`` beyond its short text: the body, the
    days of a tour, opening hours and tickets, and the facts still to be confirmed."""
    lang = current_lang()
    summary = item.summary.get(lang)
    # The body often opens with the summary's sentence: say it once.
    body = " ".join(s for s in sentences(item.body.get(lang)) if _new(s, [summary]))
    parts = [body or item.body.get(lang)]
    if isinstance(item, Tour):
        parts.append(tour_days(pack, item))
        if item.best_time is not None:
            parts.append(_("Best time: {when}").format(when=item.best_time.get(lang)))
    if isinstance(item, Place):
        for practical in (item.opening_hours, item.tickets):
            if practical is not None:
                parts.append(practical_line(practical.text.get(lang), practical.as_of, lang))
    if item.uncertain:
        doubts = "; ".join(u.get(lang).rstrip(".") for u in item.uncertain)
        parts.append(_("Not yet confirmed: {facts}.").format(facts=doubts))
    line = province_line(pack, item) if not isinstance(item, Province) else None
    if line is not None:
        parts.append(line)
    return "\n\n".join(p for p in parts if p)


def practical_line(text: str, as_of: dt.date, lang: str) -> str:
    return _("{text} (as of {date})").format(
        text=text.rstrip("."), date=format_date(as_of, lang, with_lunar=False)
    )


# -- buttons ----------------------------------------------------------------------------


def directions_places(pack: ContentPack, item: Item) -> list[Place]:
    """The places a visitor would go to for ``item``: itself, or an event's or tour's."""
    if isinstance(item, Place):
        return [item]
    ids: list[str] = []
    if isinstance(item, Event | Heritage):
        ids = item.places
    elif isinstance(item, Tour):
        ids = [s for day in item.days for s in day.stops]
    elif isinstance(item, Dish):
        ids = item.where
    places = [pack.items[i] for i in dict.fromkeys(ids) if i in pack.items]
    return [p for p in places if isinstance(p, Place)]


def related_refs(pack: ContentPack, item: Item, today: dt.date) -> list[ItemRef]:
    """Up to three items the content relates to ``item``, events with their next dates."""
    refs = []
    for rid in item.related:
        other = pack.items.get(rid)
        if other is None or isinstance(other, Province):
            continue
        occ = next_occurrence(other.recurrence, today) if isinstance(other, Event) else None
        refs.append(item_ref(other, occ))
        if len(refs) == RELATED:
            break
    return refs


def item_buttons(
    item: Item, pack: ContentPack | None = None, related: list[ItemRef] | None = None
) -> tuple[tuple[Button, ...], ...]:
    """Buttons to go further from one item: the whole text, the way there, the map,
    a reminder, sharing, and up to three related items."""
    lang = current_lang()
    first = [Button(_("More"), payload=More(item.id).pack())]
    if pack is not None and directions_places(pack, item):
        first.append(Button(_("How to get there"), payload=Directions(item.id).pack()))
    second: list[Button] = []
    if has_pin(item):
        second.append(Button(_("Show on map"), payload=ShowMap(item.id).pack()))
    if isinstance(item, Event):
        second.append(Button(_("Remind me"), payload=Remind(item.id).pack()))
    second.append(Button(_("Share"), share=item.name.get(lang)))
    rows = [tuple(first), tuple(second)]
    if isinstance(item, Province):
        rows.append(
            (
                Button(_("Places"), payload=Browse(item.id, "place", 0).pack()),
                Button(_("Events"), payload=Browse(item.id, "event", 0).pack()),
                Button(_("Tours"), payload=Browse(item.id, "tour", 0).pack()),
            )
        )
    for ref in (related or [])[:RELATED]:
        rows.append((Button(short(ref.title), payload=ShowItem(ref.id).pack()),))
    return tuple(rows)


def has_pin(item: Item) -> bool:
    """Whether the item has a point a source gives (see ``venue_of``)."""
    return isinstance(item, Place) and item.coordinates.precision != "estimate"


def venue_of(pack: ContentPack, item: Item) -> Venue | None:
    """The place's pin: none where the point is only an estimate (a pin a district away
    would lead a visitor astray); a commune's point is labelled as an area."""
    if not isinstance(item, Place) or not has_pin(item):
        return None
    lang = current_lang()
    address = item.address.get(lang) if item.address else (province_line(pack, item) or "")
    title = item.name.get(lang)
    if item.coordinates.precision == "commune":
        title = _("{name} (approximate area)").format(name=title)
    return Venue(item.coordinates.lat, item.coordinates.lon, title, address)


# -- practical details and directions ---------------------------------------------------


def way_buttons(pack: ContentPack, item: Item) -> tuple[tuple[Button, ...], ...]:
    """ "How to get there", when the item has a place to go to."""
    if not directions_places(pack, item):
        return ()
    return ((Button(_("How to get there"), payload=Directions(item.id).pack()),),)
