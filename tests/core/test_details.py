"""The buttons under short replies: More, Directions, and pages of a list."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.core import events
from bot.core.feature import Turn
from bot.core.features.details import DetailsFeature
from bot.core.models import Inbound, Reply
from bot.core.payloads import Directions, More, Page, ShowItem
from bot.store.users import User
from tests.conftest import TODAY


def turn(payload: str, lang: str = "vi", today: dt.date = TODAY) -> Turn:
    msg = Inbound(channel="console", user_id="u1", chat_id="c1", payload=payload)
    user = User("console", "u1", lang, lang_explicit=True, blocked=False)
    return Turn(msg, user, lang, today)


async def press(app: App, payload: str, lang: str = "vi") -> Reply:
    feature = DetailsFeature(app.engine)
    assert await feature.claims(turn(payload, lang))
    (reply,) = await feature.handle(turn(payload, lang))
    return reply


def show_items(reply: Reply) -> list[str]:
    return [
        p.item_id
        for row in reply.buttons
        for b in row
        if b.payload and (p := ShowItem.unpack(b.payload)) is not None
    ]


def pages(reply: Reply) -> list[Page]:
    return [p for row in reply.buttons for b in row if b.payload and (p := Page.unpack(b.payload))]


async def test_more_and_directions_buttons(app: App) -> None:
    more = await press(app, More("hoi-lim").pack())
    assert more.title == "Hội Lim" and "Nội Duệ" in more.text
    way = await press(app, Directions("mau-son").pack(), "en")
    assert way.venue is not None and "Address:" in way.text  # a point a source gives


async def test_a_stale_button_is_claimed_and_apologised_for(app: App) -> None:
    reply = await press(app, More("no-such-item").pack())
    assert not reply.items
    feature = DetailsFeature(app.engine)
    assert not await feature.claims(turn(ShowItem("hoi-lim").pack()))  # browse's family


def test_an_events_list_shows_every_event_in_pages_with_as_many_buttons(app: App) -> None:
    window = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    everything = events.between(app.pack, *window)
    assert len(everything) > 2 * events.EVENTS_LISTED
    first = events.listing(app.pack, TODAY, "vi", window, set())
    assert len(first.items) == events.EVENTS_LISTED
    assert show_items(first) == [i.id for i in first.items]  # the text's events, all of them
    assert first.text.count("\n• ") == events.EVENTS_LISTED
    (after,) = pages(first)
    assert after.page == 1 and len(Page(after.key, after.page).pack()) <= 64


async def test_paging_reaches_the_last_event(app: App) -> None:
    window = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    everything = [e.id for e, _o in events.between(app.pack, *window)]
    reply = events.listing(app.pack, TODAY, "vi", window, set())
    seen = [i.id for i in reply.items]
    while nexts := [p for p in pages(reply) if p.page * events.EVENTS_LISTED >= len(seen)]:
        reply = await press(app, nexts[0].pack())
        seen += [i.id for i in reply.items]
    assert seen == everything
    back = pages(reply)[0]
    assert back.page == (len(seen) - 1) // events.EVENTS_LISTED - 1  # « Back from the last


def test_page_keys_round_trip_with_provinces() -> None:
    key = events.page_key(dt.date(2027, 2, 10), dt.date(2027, 2, 20), {"bac-ninh", "bac-giang"})
    assert key == "ev.2027-02-10.2027-02-20.bac-giang.bac-ninh"
    assert events.parse_key(key) == (
        (dt.date(2027, 2, 10), dt.date(2027, 2, 20)),
        {"bac-ninh", "bac-giang"},
    )
    assert events.parse_key(events.page_key(None, None, set())) == (None, set())
    assert events.parse_key("ev.2027-13-01.x") is None
    assert events.parse_key("tours") is None


async def test_coming_up_list_pages_from_today(app: App) -> None:
    first = events.listing(app.pack, TODAY, "en", None, set())
    (after,) = pages(first)
    assert events.parse_key(after.key) == (None, set())
    second = await press(app, after.pack(), "en")
    assert not set(i.id for i in second.items) & set(i.id for i in first.items)
