"""What the question asks for, added to the search score: the kind of item its intent
wants, the province it names, and the thing a tour is asked about."""

from __future__ import annotations

from bot.content.loader import ContentPack
from bot.content.schema import Tour
from bot.core.intent import KIND_BOOST, Intent
from bot.search.index import Hit, SearchIndex, SearchResult

NAMED_IN_TOUR = 0.5


def provinces_named(pack: ContentPack, result: SearchResult) -> set[str]:
    """The provinces the question names, with the former provinces now inside them."""
    named: set[str] = set()
    for alias in result.aliases:
        if pack.items[alias.item_id].kind == "province":
            named |= pack.provinces_within(alias.item_id)
    return named


def boosted(
    pack: ContentPack, index: SearchIndex, result: SearchResult, wanted: set[Intent]
) -> list[Hit]:
    """``result.hits`` with the boosts added, best first."""
    named = provinces_named(pack, result)
    named_tours = _tours_about(pack, index, result) if Intent.TOUR in wanted else set()
    for hit in result.hits:
        item = pack.items[hit.item_id]
        for intent in wanted:
            hit.score += KIND_BOOST.get(intent, {}).get(hit.kind, 0.0)
        if Intent.FOOD in wanted and "food" in item.tags:
            hit.score += 0.5
        # A province named in the question favours its own items over its neighbours'
        # ("ở Bắc Giang ăn gì" is not answered with Lạng Sơn's food).
        where = {item.id} if item.kind == "province" else set(item.provinces)
        if named and where:
            hit.score += 0.4 if where & named else -0.4
        # "the Then heritage tour": a tour named after the thing asked about, not one whose
        # text happens to use its words ("then" in "then Côn Sơn").
        if hit.kind == "tour" and named_tours:
            hit.score += NAMED_IN_TOUR if hit.item_id in named_tours else -NAMED_IN_TOUR
        fits = any(KIND_BOOST.get(i, {}).get(hit.kind, 0) > 0 for i in wanted) or (
            Intent.FOOD in wanted and "food" in item.tags
        )
        hit.reasons["fits"] = float(bool(fits and named and where & named))
    return sorted(result.hits, key=lambda h: (-h.score, h.item_id))


def _tours_about(pack: ContentPack, index: SearchIndex, result: SearchResult) -> set[str]:
    """The candidate tours named after, or stopping at, a heritage, place or event the
    question names."""
    words = [t.token for t in result.terms]
    subjects = [
        (a.item_id, words[a.start : a.end])
        for a in result.aliases
        if pack.items[a.item_id].kind in {"heritage", "place", "event"}
    ]
    out: set[str] = set()
    for hit in result.hits:
        tour = pack.items[hit.item_id]
        if not isinstance(tour, Tour):
            continue
        stops = {stop for day in tour.days for stop in day.stops} | set(tour.events)
        if any(item_id in stops or index.named(tour.id, w) for item_id, w in subjects):
            out.add(tour.id)
    return out
