"""Overview items: the one page that sums up a subject for a province.

"What should I eat in Nghệ An?" names no dish: one dish, however well it matches the
words, is a worse answer than the province's food page, which names the dishes and
leads to each of them.
"""

from __future__ import annotations

from bot.content.loader import ContentPack
from bot.core.intent import Intent

# Intent -> the tag of the FAQ pages that sum it up per province.
OVERVIEW_TAGS = {Intent.FOOD: "food"}


def overview_for(pack: ContentPack, wanted: set[Intent], provinces: set[str]) -> str | None:
    """The id of the one overview page for what ``wanted`` asks about in the provinces the
    question names (by their own names: ``provinces`` are not widened to former ones)."""
    tags = {tag for intent, tag in OVERVIEW_TAGS.items() if intent in wanted}
    if not tags or not provinces:
        return None
    found = [
        item.id
        for item in pack.of_kind("faq")
        if tags & set(item.tags) and set(item.provinces) & provinces
    ]
    return found[0] if len(found) == 1 else None
