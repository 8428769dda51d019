"""Replies as plain text, for channels without rich messages (Zalo, the console), and
the one splitter every channel cuts long texts with."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.models import Button, Reply, Venue
from bot.i18n import gettext as _
from bot.i18n import use_lang

OSM_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"


def payload_buttons(reply: Reply) -> list[Button]:
    """The buttons that answer with a payload, in reading order."""
    return [b for row in reply.buttons for b in row if b.payload]


def venue_line(venue: Venue) -> str:
    link = OSM_URL.format(lat=venue.lat, lon=venue.lon)
    place = f"{venue.title}, {venue.address}" if venue.address else venue.title
    return f"📍 {place}: {link}"


def render_text(
    reply: Reply,
    numbered: Sequence[Button] = (),
    start: int = 1,
    option: str = "{n}. {label}",
) -> str:
    """A reply as plain text: title line, text (else a picture's caption), map link, links, then
    ``numbered`` as ``option`` lines (from ``start``) with a hint to answer by number."""
    lines: list[str] = []
    if reply.title:
        lines.append(reply.title.strip())
    if reply.text.strip():
        lines.append(reply.text.strip())
    if reply.image is not None and not reply.text.strip() and reply.image.caption.strip():
        lines.append(reply.image.caption.strip())  # the picture itself cannot be shown
    if reply.venue is not None:
        lines.append(venue_line(reply.venue))
    links = [b for row in reply.buttons for b in row if b.url and not b.payload]
    lines += [f"🔗 {b.label}: {b.url}" for b in links]
    if numbered:
        lines.append("")
        lines += [option.format(n=n, label=b.label) for n, b in enumerate(numbered, start=start)]
        with use_lang(reply.lang):
            lines.append(_("Reply with a number to choose."))
    return "\n".join(lines)


def render_numbered(
    replies: Sequence[Reply], option: str = "{n}. {label}"
) -> tuple[list[str], list[str]]:
    """Each reply as text with every payload button numbered, continuing across the
    replies of one turn; returns the texts and the payloads in number order."""
    texts: list[str] = []
    payloads: list[str] = []
    for reply in replies:
        options = payload_buttons(reply)
        texts.append(render_text(reply, options, start=len(payloads) + 1, option=option))
        payloads += [b.payload for b in options if b.payload]
    return texts, payloads


def pick_option(text: str | None, payloads: Sequence[str]) -> str | None:
    """The payload behind an answer such as "2" (or "2."), if that number is on offer."""
    if not text or not payloads:
        return None
    number = text.strip().rstrip(".")
    if not (number.isascii() and number.isdigit()):
        return None
    index = int(number)
    return payloads[index - 1] if 1 <= index <= len(payloads) else None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (characters outside the BMP, e.g. emoji, count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, budget: int, units: Callable[[str], int]) -> int:
    """How many leading characters of ``text`` fit into ``budget`` units."""
    if units(text) <= budget:
        return len(text)
    if units is len:
        return budget
    used = 0
    for index, ch in enumerate(text):
        used += units(ch)
        if used > budget:
            return index
    return len(text)


def split_text(
    text: str,
    limit: int,
    *,
    units: Callable[[str], int] = len,
    first_limit: int | None = None,
) -> list[str]:
    """Pieces of at most ``limit`` units (``units`` measures a string: characters, or
    Telegram's UTF-16 code units), cut at a paragraph, else a line, else a space; the
    first piece may have a smaller budget (for a title).

    A separator is used only in the second half of the window, so one early blank line
    does not produce a tiny message. Blank pieces are dropped (platforms reject them).
    """
    pieces: list[str] = []
    rest = text
    budget = limit if first_limit is None else max(first_limit, 1)
    while units(rest) > budget:
        window = rest[: _fit(rest, budget, units)]
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut >= len(window) // 2:
                pieces.append(window[:cut])
                rest = rest[cut + len(sep) :]
                break
        else:
            pieces.append(window)
            rest = rest[len(window) :]
        budget = limit
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]
