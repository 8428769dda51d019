"""Thirds of a month named in words: "đầu / giữa / cuối tháng Giêng", "early / mid / late
March", "the end of June"."""

from __future__ import annotations

import datetime as dt
import re

from bot.calendar.phrase_parts import DateWindow, PhraseMatch

# "cuối tháng Giêng", "early March": a third of the month named right after.
_PART_RE = re.compile(
    r"\b(?:(?P<early>dau|early|beginning of|the beginning of|start of)"
    r"|(?P<mid>giua|mid|the middle of|middle of)"
    r"|(?P<late>cuoi|late|end of|the end of))\s*(?:the\s+)?$"
)
_INSIDE_RE = re.compile(r"(?:(?P<early>early)|(?P<mid>mid)|(?P<late>late))\s")
_PARTS = {"early": (0, 9), "mid": (10, 19), "late": (20, None)}


def part_of_month(folded: str, best: PhraseMatch | None) -> PhraseMatch | None:
    """Narrow a month window to its first, middle or last ten days when the words just
    before it say which ("cuối tháng Giêng" is the 21st lunar day onwards)."""
    if best is None or not best.window.label.startswith(("month:", "lunar-month:")):
        return best
    m = _PART_RE.search(folded[: best.span[0]])
    inside = _INSIDE_RE.match(folded, best.span[0])  # "late March" is one English match
    said = m or inside
    if said is None:
        return best
    part = next(name for name in _PARTS if said[name])
    first, last = _PARTS[part]
    window = best.window
    start = window.start + dt.timedelta(days=first)
    end = window.end if last is None else min(window.end, window.start + dt.timedelta(days=last))
    begin = m.start() if m is not None else best.span[0]
    return PhraseMatch(DateWindow(start, end, f"{window.label}:{part}"), (begin, best.span[1]))
