"""Phone-sized item replies, time-aware event dates, practical details and directions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.app import App
from bot.content.loader import ContentPack
from bot.content.schema import Event, Item, Place, Practical, Precision, Text
from bot.core import answers, practical
from bot.core.features.details import more_reply
from bot.core.models import Reply
from bot.core.payloads import Directions, More, Remind, ShowItem, ShowMap
from bot.core.replies import item_answer
from bot.core.snippets import sentences as snippet_sentences
from bot.core.snippets import snippets
from bot.i18n import use_lang
from bot.text.fold import fold
from tests.conftest import TODAY


def payloads(reply: Reply) -> list[str]:
    return [b.payload for row in reply.buttons for b in row if b.payload]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    "item_id", ["hoi-lim", "chua-vinh-nghiem", "tour-3-ngay-xu-lang-bac-son", "vai-thieu-luc-ngan"]
)
def test_item_reply_fits_a_phone_and_says_nothing_twice(app: App, item_id: str, lang: str) -> None:
    reply = item_answer(app.pack, app.pack.items[item_id], TODAY, lang)
    assert len(reply.text) <= answers.SHORT_CHARS, reply.text
    said = sentences(reply.text)
    assert len(said) == len(set(said)), reply.text
    body = app.pack.items[item_id].body.get(lang)
    assert body not in reply.text  # the whole body waits behind "More"
    assert f"more:{item_id}" in payloads(reply)
    for row in reply.buttons:
        for button in row:
            assert len(button.label) <= 40


def test_event_dates_before_during_and_after_this_years_festival(app: App) -> None:
    lim = app.pack.items["hoi-lim"]
    before = item_answer(app.pack, lim, dt.date(2027, 1, 10), "en")
    assert "Next: 17–18 February 2027" in before.text
    assert "This year" not in before.text
    during = item_answer(app.pack, lim, dt.date(2027, 2, 17), "en")
    assert "Happening now, until Thursday, 18 February 2027" in during.text
    after = item_answer(app.pack, lim, dt.date(2026, 12, 2), "en")
    # In general the old dates are not repeated: a glance must not take them for the next.
    assert "This year's is over; next: 17–18 February 2027" in after.text
    assert "2026" not in after.text
    # The reply's item is still the next occurrence.
    assert (after.items[0].start, after.items[0].end) == (
        dt.date(2027, 2, 17),
        dt.date(2027, 2, 18),
    )


async def test_this_year_question_after_the_festival_gives_both_dates(app: App) -> None:
    reply = (await app.engine.answer("Hội Lim năm nay", dt.date(2026, 12, 2))).reply
    assert "Năm nay đã diễn ra 28 tháng 2 – 1 tháng 3, 2026" in reply.text
    assert "lần tới: 17–18 tháng 2, 2027" in reply.text
    assert (reply.items[0].start, reply.items[0].end) == (
        dt.date(2027, 2, 17),
        dt.date(2027, 2, 18),
    )
    lim = app.pack.items["hoi-lim"]
    assert isinstance(lim, Event)
    with use_lang("en"):
        occurrence = answers.occurrence_for(lim, dt.date(2026, 12, 2))
        line = answers.when_line(lim, occurrence, dt.date(2026, 12, 2), this_year=True)
    assert line.startswith("This year it was held on 28 February – 1 March 2026")


def test_approximate_dates_are_hedged_with_their_note(app: App) -> None:
    event = app.pack.items["hoi-chua-but-thap"]
    assert isinstance(event, Event) and event.recurrence.note is not None
    reply = item_answer(app.pack, event, TODAY, "vi")
    assert "khoảng" in reply.text
    assert event.recurrence.note.vi in reply.text


def test_event_buttons_remind_directions_and_related(app: App) -> None:
    reply = item_answer(app.pack, app.pack.items["hoi-lim"], TODAY, "vi")
    got = payloads(reply)
    assert Remind("hoi-lim").pack() in got and Directions("hoi-lim").pack() in got
    assert ShowItem("quan-ho").pack() in got  # related in the content
    assert sum(p.startswith("i:") for p in got) <= answers.RELATED


def pinned(place: Item, precision: Precision) -> Place:
    """``place`` with its point at ``precision``, sourced by its first source."""
    assert isinstance(place, Place)
    source = None if precision == "estimate" else place.sources[0].url
    where = place.coordinates.model_copy(update={"precision": precision, "source": source})
    return place.model_copy(update={"coordinates": where})


def with_items(pack: ContentPack, *items: Item) -> ContentPack:
    return ContentPack({**pack.items, **{i.id: i for i in items}}, pack.fingerprint)


def test_place_says_where_it_is_in_old_and_new_province(app: App) -> None:
    place = pinned(app.pack.items["chua-vinh-nghiem"], "site")
    reply = item_answer(app.pack, place, TODAY, "vi")
    assert "Địa chỉ:" in reply.text and "Bắc Giang" in reply.text and "Bắc Ninh" in reply.text
    got = payloads(reply)
    assert ShowMap("chua-vinh-nghiem").pack() in got
    assert Directions("chua-vinh-nghiem").pack() in got
    assert reply.venue is not None and reply.venue.title == place.name.vi


def test_a_point_no_source_gives_gets_no_pin(app: App) -> None:
    place = pinned(app.pack.items["chua-vinh-nghiem"], "estimate")
    reply = item_answer(app.pack, place, TODAY, "en")
    assert reply.venue is None and ShowMap(place.id).pack() not in payloads(reply)
    assert place.address.en in reply.text  # the address still says where it is
    way = practical.directions_reply(with_items(app.pack, place), place, "en")
    assert way.venue is None and not any(p.startswith("m:") for p in payloads(way))


def test_a_communes_point_is_pinned_as_an_area(app: App) -> None:
    place = pinned(app.pack.items["chua-vinh-nghiem"], "commune")
    reply = item_answer(app.pack, place, TODAY, "en")
    assert reply.venue is not None and reply.venue.lat == place.coordinates.lat
    assert reply.venue.title == "Vinh Nghiem Pagoda (approximate area)"


def test_tour_and_dish_key_facts(app: App) -> None:
    tour = item_answer(app.pack, app.pack.items["tour-3-ngay-xu-lang-bac-son"], TODAY, "en")
    assert "3 days:" in tour.text and "Chi Lang" in fold(tour.text).title()
    dish = item_answer(app.pack, app.pack.items["vai-thieu-luc-ngan"], TODAY, "en")
    assert "Where to eat or buy:" in dish.text


def test_uncertain_items_keep_their_hedge(app: App) -> None:
    reply = item_answer(app.pack, app.pack.items["festival-tra-thai-nguyen"], TODAY, "en")
    assert "Not fully confirmed" in reply.text


def test_more_gives_the_whole_text_without_the_summary_again(app: App) -> None:
    tour = app.pack.items["tour-3-ngay-xu-lang-bac-son"]
    reply = more_reply(app.pack, tour.id, "vi")
    assert "Ngày 1:" in reply.text and "Ngày 3:" in reply.text  # the days of the tour
    assert tour.summary.vi not in reply.text
    lim = more_reply(app.pack, "hoi-lim", "vi")
    assert "Đồi Lim cách trung tâm Hà Nội khoảng 25 km" in lim.text  # moved from the short reply


async def test_see_also_is_one_line_without_nested_brackets(app: App) -> None:
    reply = (await app.engine.answer("chùa Vĩnh Nghiêm", TODAY)).reply
    line = next(p for p in reply.text.split("\n") if p.startswith("Xem thêm:"))
    depth = 0
    for ch in line:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        assert depth <= 1, line
    assert len(reply.text) <= 520


async def test_short_reply_keeps_the_fact_asked_for(app: App) -> None:
    reply = (await app.engine.answer("Who are presstrips organised for?", TODAY)).reply
    assert "journalist" in fold(reply.text)


def _with_tickets(place: Place) -> Place:
    practical = Practical(
        text=Text(vi="Vé 20.000 đồng/người", en="20,000 VND a person"),
        as_of=dt.date(2026, 3, 1),
        source=place.sources[0].url,
    )
    return place.model_copy(update={"tickets": practical})


def test_practical_reply_quotes_the_content_with_its_date(app: App) -> None:
    place = app.pack.items["chua-vinh-nghiem"]
    assert isinstance(place, Place)
    reply = practical.practical_reply(app.pack, _with_tickets(place), "price", "en")
    assert "20,000 VND a person" in reply.text and "as of Sunday, 1 March 2026" in reply.text


@pytest.mark.parametrize("aspect", ["tickets", "hours"])
def test_practical_reply_without_a_figure_invents_none(app: App, aspect: str) -> None:
    place = app.pack.items["chua-vinh-nghiem"]
    reply = practical.practical_reply(app.pack, place, aspect, "vi")
    assert "Chưa có" in reply.text and "địa phương" in reply.text
    assert not re.search(r"\d", reply.text)
    assert Directions(place.id).pack() in payloads(reply)


def test_practical_reply_refuses_an_unknown_aspect(app: App) -> None:
    with pytest.raises(ValueError):
        practical.practical_reply(app.pack, app.pack.items["hoi-lim"], "parking", "en")


def test_directions_from_getting_there(app: App) -> None:
    found = next(
        p for p in app.pack.items.values() if isinstance(p, Place) and p.getting_there is not None
    )
    place = pinned(found, "site")
    reply = practical.directions_reply(with_items(app.pack, place), place, "en")
    assert place.getting_there is not None and place.getting_there.en in reply.text
    assert reply.venue is not None


def test_directions_without_getting_there_give_the_address_and_a_pin(app: App) -> None:
    place = pinned(app.pack.items["chua-vinh-nghiem"], "site")
    assert place.getting_there is None
    reply = practical.directions_reply(with_items(app.pack, place), place, "en")
    assert "No directions for this place yet" in reply.text and place.address.en in reply.text
    assert "about 50 km from Hanoi" in reply.text  # its province's figure, as the page says
    assert reply.venue is not None and reply.venue.lat == place.coordinates.lat


def test_directions_of_an_event_go_to_its_places(app: App) -> None:
    pack = with_items(app.pack, pinned(app.pack.items["doi-lim"], "site"))
    reply = practical.directions_reply(pack, pack.items["hoi-lim"], "vi")
    assert [i.id for i in reply.items] == ["hoi-lim", "doi-lim"]
    assert reply.text.startswith("Đồi Lim:")
    assert ShowMap("doi-lim").pack() in payloads(reply)


def test_more_payload_is_what_the_button_sends(app: App) -> None:
    assert More("hoi-lim").pack() == "more:hoi-lim"


def test_a_relative_clause_is_quoted_with_what_it_is_about(app: App) -> None:
    long = (
        "Visitors can walk up Mossy hill above the old village in the north of the district,"
        " where the poet wrote his best-known poem in the winter of 1947 while the war went on,"
        " and later on the same slopes the villagers planted tea that is still picked in spring"
        " by families who have lived there for many generations."
    )
    assert len(long) > 240  # quoted by clauses, not whole
    place = app.pack.items["atk-dinh-hoa"].model_copy(
        update={"body": Text(vi=long, en=long), "name": Text(vi="Đồi", en="Hill")}
    )
    with use_lang("en"):
        found = snippets(place, {"poet", "poem"}, "")
    assert found[0].startswith("Visitors can walk up Mossy hill")
    assert "where the poet wrote" in found[0]


def test_sentences_end_before_vietnamese_capitals() -> None:
    # Đ, Ở, Ấ are capitals a character range [a-zà-ỹ] takes for small letters.
    text = "Cách Vinh khoảng 30 km. Đền thờ An Dương Vương. Ở đây có hội. và tiếp tục."
    assert snippet_sentences(text) == [
        "Cách Vinh khoảng 30 km.",
        "Đền thờ An Dương Vương.",
        "Ở đây có hội. và tiếp tục.",
    ]


def test_directions_without_a_way_quote_how_the_description_says_to_get_in(app: App) -> None:
    place = app.pack.items["dong-hua-ma"]
    assert isinstance(place, Place) and place.getting_there is None
    reply = practical.directions_reply(app.pack, place, "vi")
    assert "leo" in reply.text and "Chưa có thông tin đường đi" not in reply.text
