"""A shared location: the nearest places, with their map pins."""

from __future__ import annotations

import math
from collections.abc import Callable

from bot.content.loader import ContentPack
from bot.content.schema import Place
from bot.core.answers import has_pin, item_ref
from bot.core.feature import Turn
from bot.core.labels import short
from bot.core.models import Button, Location, Reply
from bot.core.payloads import ShowItem, ShowMap
from bot.i18n import gettext as _

NEAREST = 5


class NearbyFeature:
    def __init__(self, pack: Callable[[], ContentPack]) -> None:
        self._pack = pack

    async def claims(self, turn: Turn) -> bool:
        return turn.msg.payload is None and turn.msg.location is not None

    async def handle(self, turn: Turn) -> list[Reply]:
        where = turn.msg.location
        assert where is not None
        if not (-90 <= where.lat <= 90 and -180 <= where.lon <= 180):  # NaN too
            text = _("That location is not on the map. Please share it again.")
            return [Reply(text=text, lang=turn.lang)]
        return [self.nearest(where, turn.lang)]

    def nearest(
        self,
        where: Location,
        lang: str,
        skip: str | None = None,
        heading: str | None = None,
        rough: bool = False,
    ) -> Reply:
        """The places closest to ``where`` (leaving out ``skip``, the place itself), under
        ``heading`` (default: nearest to the visitor). ``rough``: ``where`` itself is no
        exact point."""
        places = [
            (haversine_km(where.lat, where.lon, p.coordinates.lat, p.coordinates.lon), p)
            for p in self._pack().items.values()
            if isinstance(p, Place) and p.coordinates is not None and p.id != skip
        ]
        places.sort(key=lambda pair: pair[0])
        lines = [heading or _("Nearest places:")]
        approximate = False
        for km, place in places[:NEAREST]:
            name = place.name.get(lang)
            if rough or place.coordinates.precision != "site":
                # A point no closer than its commune gives no distance to the decimal:
                # rounded to 5 km, and said to be rough.
                approximate = True
                line = _("• {name}: about {km} km").format(name=name, km=max(5, 5 * round(km / 5)))
            else:
                line = _("• {name}: {km} km").format(
                    name=name, km=f"{km:.0f}" if km >= 10 else f"{km:.1f}"
                )
            lines.append(line)
        if approximate:
            lines.append(_("Straight-line distances, from approximate map points."))
        buttons = tuple(
            (
                Button(short(p.name.get(lang)), payload=ShowItem(p.id).pack()),
                *((Button(_("Show on map"), payload=ShowMap(p.id).pack()),) if has_pin(p) else ()),
            )
            for _km, p in places[:NEAREST]
        )
        refs = tuple(item_ref(p) for _km, p in places[:NEAREST])
        return Reply(text="\n".join(lines), lang=lang, buttons=buttons, items=refs)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
