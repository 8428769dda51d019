"""Festivals by date: the occurrences in a window, and the "what is on" list, paged.

A list is named by a key that fits a ``Page`` payload: ``ev.<start>.<end>.<province>...``
with ISO dates (both empty for "the coming year") and the province ids it is limited to,
e.g. ``ev.2027-02-10.2027-02-20.bac-ninh.bac-giang``.
"""

from __future__ import annotations

import datetime as dt

from bot.calendar.format import format_date, format_range
from bot.calendar.recurrence import Occurrence, occurrences_between
from bot.content.loader import ContentPack
from bot.content.schema import Event
from bot.core import answers
from bot.core.labels import short
from bot.core.models import Button, ItemRef, Reply
from bot.core.payloads import Page, PayloadError, ShowItem
from bot.i18n import gettext as _
from bot.i18n import use_lang

EVENTS_LISTED = 8  # events per page: the text and the buttons show the same ones
KEY_PREFIX = "ev"


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


def page_key(start: dt.date | None, end: dt.date | None, provinces: set[str]) -> str:
    """The key of the events list of a window (None: the coming year) and provinces."""
    dates = [d.isoformat() if d else "" for d in (start, end)]
    return ".".join([KEY_PREFIX, *dates, *sorted(provinces)])


def parse_key(key: str) -> tuple[tuple[dt.date, dt.date] | None, set[str]] | None:
    """The window and provinces ``key`` names, or None when it is not an events key."""
    head, *fields = key.split(".")
    if head != KEY_PREFIX or len(fields) < 2:
        return None
    try:
        if fields[0] or fields[1]:
            window = (dt.date.fromisoformat(fields[0]), dt.date.fromisoformat(fields[1]))
        else:
            window = None
    except ValueError:
        return None
    return window, set(fields[2:])


def listing(
    pack: ContentPack,
    today: dt.date,
    lang: str,
    window: tuple[dt.date, dt.date] | None,
    provinces: set[str],
    page: int = 0,
) -> Reply:
    """Page ``page`` of the events in ``window`` (default: the coming year), or the next
    one after it when there are none."""
    with use_lang(lang):
        return _listing(pack, today, lang, window, provinces, page)


def _listing(
    pack: ContentPack,
    today: dt.date,
    lang: str,
    window: tuple[dt.date, dt.date] | None,
    provinces: set[str],
    page: int,
) -> Reply:
    if window is None:
        start, end = today, today + dt.timedelta(days=365)
    else:
        start, end = max(window[0], today) if window[1] >= today else window[0], window[1]
    found = between(pack, start, end, provinces or None)
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
    pages = (len(found) + EVENTS_LISTED - 1) // EVENTS_LISTED
    page = min(max(page, 0), pages - 1)
    shown = found[page * EVENTS_LISTED : (page + 1) * EVENTS_LISTED]
    if pages > 1:
        head += " " + _("({first}–{last} of {total})").format(
            first=page * EVENTS_LISTED + 1, last=page * EVENTS_LISTED + len(shown), total=len(found)
        )
    lines = [head]
    refs: list[ItemRef] = []
    later = _highlights(pack, found[EVENTS_LISTED:]) if page == 0 else []
    for event, occ in shown:
        dates = format_range(occ.start, occ.end, lang)
        if event.recurrence.approximate:
            dates = _("around {dates}").format(dates=dates)
        lines.append(f"• {event.name.get(lang)}: {dates}")
        refs.append(answers.item_ref(event, occ))
    if later:
        # The list goes by date; what the region is known for should not hide on page 3.
        lines.append(_also(later, lang))
    rows: list[tuple[Button, ...]] = [
        (Button(short(r.title), payload=ShowItem(r.id).pack()),) for r in refs
    ]
    nav = _nav(window, provinces, page, pages)
    if nav:
        rows.append(nav)
    return Reply(text="\n".join(lines), lang=lang, items=tuple(refs), buttons=tuple(rows))


HIGHLIGHTS = 2  # events of later pages named on the first
STANDING = 2  # ... when at least this many other items (tours, heritage) refer to them
_standings: dict[str, dict[str, int]] = {}


def _also(later: list[tuple[Event, Occurrence]], lang: str) -> str:
    named = "; ".join(
        f"{event.name.get(lang)}: {format_range(occ.start, occ.end, lang)}" for event, occ in later
    )
    return _("Also in this period: {events}").format(events=named)


def _highlights(
    pack: ContentPack, rest: list[tuple[Event, Occurrence]]
) -> list[tuple[Event, Occurrence]]:
    """The events of ``rest`` that most other items refer to (tours built around them,
    the heritage they belong to), in date order."""
    standing = _standings.get(pack.fingerprint)
    if standing is None:
        standing = {}
        for item in pack.items.values():
            for _field, ref in item.references():
                standing[ref] = standing.get(ref, 0) + 1
        _standings.clear()
        _standings[pack.fingerprint] = standing
    notable = [(e, o) for e, o in rest if standing.get(e.id, 0) >= STANDING]
    notable.sort(key=lambda pair: -standing.get(pair[0].id, 0))
    return sorted(notable[:HIGHLIGHTS], key=lambda pair: pair[1].start)


def _nav(
    window: tuple[dt.date, dt.date] | None, provinces: set[str], page: int, pages: int
) -> tuple[Button, ...]:
    """« Back / Next page » buttons; none when the list's key does not fit a payload."""
    start, end = window if window is not None else (None, None)
    key = page_key(start, end, provinces)
    buttons = []
    try:
        if page > 0:
            buttons.append(Button(_("« Back"), payload=Page(key, page - 1).pack()))
        if page + 1 < pages:
            buttons.append(Button(_("Next page »"), payload=Page(key, page + 1).pack()))
    except PayloadError:  # many provinces: the text says how many there are
        return ()
    return tuple(buttons)
