"""A long list of events goes by date, page by page; its first page also names the events
of later pages that other items (tours, heritage) refer to most."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import PROJECT_DIR
from bot.content.loader import ContentPack, require_content
from bot.core.events import EVENTS_LISTED, between, listing
from bot.i18n import load_catalogs

TODAY = dt.date(2026, 11, 26)
WINDOW = (dt.date(2027, 2, 6), dt.date(2027, 3, 7))


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    load_catalogs()
    return require_content(PROJECT_DIR / "content")


def referred(pack: ContentPack) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in pack.items.values():
        for _field, ref in item.references():
            counts[ref] = counts.get(ref, 0) + 1
    return counts


def test_the_first_page_names_the_best_known_events_of_later_pages(pack: ContentPack) -> None:
    found = between(pack, *WINDOW)
    assert len(found) > EVENTS_LISTED  # the window needs more than one page
    counts = referred(pack)
    later = [e for e, _o in found[EVENTS_LISTED:] if counts.get(e.id, 0) >= 2]
    best = sorted(later, key=lambda e: -counts[e.id])[:2]
    reply = listing(pack, TODAY, "en", WINDOW, set())
    [also] = [line for line in reply.text.splitlines() if line.startswith("Also in this period")]
    assert best and all(e.name.en in also for e in best)
    # Named only: the items and buttons stay those of the page (its next page lists them).
    assert len(reply.items) == EVENTS_LISTED
    second = listing(pack, TODAY, "en", WINDOW, set(), page=1)
    assert "Also in this period" not in second.text


def test_a_short_list_has_nothing_to_add(pack: ContentPack) -> None:
    window = (dt.date(2027, 2, 9), dt.date(2027, 2, 9))
    assert len(between(pack, *window)) <= EVENTS_LISTED
    reply = listing(pack, TODAY, "vi", window, set())
    assert "Cũng trong thời gian này" not in reply.text
