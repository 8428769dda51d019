"""Button labels and one-line titles cut to fit, at a word boundary, marks kept."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
BUTTON = 40  # characters a phone shows on a full-width button


def short(text: str, limit: int = BUTTON) -> str:
    """``text`` in at most ``limit`` characters: cut after the last whole word that fits,
    with "…" appended; never inside a word, never splitting a letter from its marks."""
    # NFC first: a decomposed "ệ" is three code points and a cut could strip its marks.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if len(text) <= limit:
        return text
    room = text[: max(limit - len(ELLIPSIS), 1) + 1]
    cut = room.rfind(" ")
    # A single word longer than the limit is the one case that has to be cut inside.
    head = room[:cut] if cut > 0 else room[: max(limit - len(ELLIPSIS), 1)]
    return head.rstrip(" ,;:–—-(/") + ELLIPSIS
