"""Festivals by date: the occurrences in a window, and the "what is on" list."""

from __future__ import annotations

import datetime as dt

from bot.calendar.format import format_date, format_range
from bot.calendar.recurrence import Occurrence, occurrences_between
from bot.content.loader import ContentPack
from bot.content.schema import Event
from bot.core import answers
from bot.core.models import Button, ItemRef, Reply
from bot.core.payloads import ShowItem
from bot.i18n import gettext as _

EVENTS_LISTED = 8


def between(
    pack: ContentPack, start: dt.date, end: dt.date, provinces: set[str] | None = None
) -> list[tuple[Event, Occurrence]]:
    """Every event occurrence overlapping [start, end], by date."""
    found = []
    for event in pack.events():
        if provinces and not set(event.provinces) & provinces:
            continue
        for occ in occurrences_between(event.recurrence, start, end):
            found.append((event, occ))
    found.sort(key=lambda pair: (pair[1].start, pair[0].id))
    return found


def listing(
    pack: ContentPack,
    today: dt.date,
    lang: str,
    window: tuple[dt.date, dt.date] | None,
    provinces: set[str],
) -> Reply:
    """The events in ``window`` (default: the coming year), or the next one after it."""
    if window is None:
        start, end = today, today + dt.timedelta(days=365)
    else:
        start, end = max(window[0], today) if window[1] >= today else window[0], window[1]
    found = between(pack, start, end, provinces or None)[:EVENTS_LISTED]
    if window is not None and window[0] == window[1]:
        head = format_date(window[0], lang) + ":"
    elif window is not None:
        head = f"{format_date(window[0], lang)} – {format_date(window[1], lang)}:"
    else:
        head = _("Coming up:")
    if not found:
        text = _("I have no events listed for that time.")
        if window is not None:
            text = f"{head}\n{text}"
        later = between(
            pack, end + dt.timedelta(days=1), end + dt.timedelta(days=365), provinces or None
        )
        if later:
            event, occ = later[0]
            text += "\n" + _("The next one after that: {name}, {dates}.").format(
                name=event.name.get(lang), dates=format_range(occ.start, occ.end, lang)
            )
        return Reply(text=text, lang=lang, answered=True)
    lines = [head]
    refs: list[ItemRef] = []
    for event, occ in found:
        approx = _("around") + " " if event.recurrence.approximate else ""
        lines.append(f"• {event.name.get(lang)}: {approx}{format_range(occ.start, occ.end, lang)}")
        refs.append(answers.item_ref(event, occ))
    buttons = tuple((Button(r.title[:40], payload=ShowItem(r.id).pack()),) for r in refs[:6])
    return Reply(text="\n".join(lines), lang=lang, items=tuple(refs), buttons=buttons)
