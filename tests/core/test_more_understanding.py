"""Messages found in a held-out round of visitor questions: kinds of place as lists,
"what is near X", chat shorthand inside names, and trips by interest."""

from __future__ import annotations

from bot.app import App
from bot.content.schema import Place
from bot.core.models import Reply
from bot.core.payloads import Page
from tests.conftest import say


def page_keys(reply: Reply) -> list[Page]:
    return [p for row in reply.buttons for b in row if b.payload and (p := Page.unpack(b.payload))]


async def test_a_kind_of_place_is_listed_by_its_tag_in_the_province(app: App) -> None:
    [reply] = await say(app, "nghe an co nhung den nao noi tieng")
    ids = [i.id for i in reply.items]
    assert reply.text.startswith("Đền ở Nghệ An (")
    temples = {
        p.id for p in app.pack.of_kind("place") if "temple" in p.tags and "nghe-an" in p.provinces
    }
    assert set(ids) == temples and len(ids) >= 3
    [english] = await say(app, "which pagodas are in Bac Ninh", user="v2")
    assert english.text.startswith("Pagodas in")
    assert all("pagoda" in app.pack.items[i.id].tags for i in english.items)


async def test_a_tagged_list_pages_with_its_tag_and_refuses_a_forged_one(app: App) -> None:
    temples = [p for p in app.pack.of_kind("place") if "temple" in p.tags]
    assert len(temples) > 8  # more than a page
    [first] = await say(app, "which temples can I visit")
    [nxt] = [p for p in page_keys(first) if p.page == 1]
    assert nxt.key == "l.place.-.0.temple"
    [second] = await say(app, payload=nxt.pack())
    shown = [i.id for i in first.items] + [i.id for i in second.items]
    assert all("temple" in app.pack.items[i].tags for i in shown) and len(set(shown)) > 8
    [forged] = await say(app, payload=Page("l.place.bac-ninh.0.casino", 0).pack())
    assert "no longer valid" in forged.text


async def test_what_is_near_a_named_place(app: App) -> None:
    [reply] = await say(app, "what is there to see around Ba Be lake")
    assert reply.text.startswith("Places nearest to Ba Be Lake:")
    assert "Pác Ngòi" in reply.text  # the village on the lake shore


async def test_distances_from_approximate_points_are_rounded_and_said_to_be(app: App) -> None:
    place = app.pack.items["chua-vinh-nghiem"]
    assert isinstance(place, Place) and place.coordinates.precision != "site"
    [reply] = await say(app, "gần chùa Vĩnh Nghiêm có gì")
    lines = [line for line in reply.text.splitlines() if line.startswith("• ")]
    assert lines and all(line.endswith(" km") and "khoảng" in line for line in lines)
    assert all(int(line.split("khoảng ")[1].split()[0]) % 5 == 0 for line in lines)
    assert "vị trí gần đúng" in reply.text


async def test_shorthand_inside_a_name_and_language(app: App) -> None:
    # "ko" is "không" of "hồng không hạt", and "bh"/"mn" are Vietnamese chat.
    [reply] = await say(app, "hong ko hat ba be mua nao moi co")
    assert reply.items[0].id == "hong-khong-hat-bac-kan"
    [reply] = await say(app, "na chi lang bh chin vay mn", user="v2")
    assert reply.lang == "vi" and reply.items[0].id == "na-chi-lang"


async def test_a_beach_weekend_gets_a_beach_tour(app: App) -> None:
    [reply] = await say(app, "a weekend trip from Hanoi for a family that loves the beach?")
    first = app.pack.items[reply.items[0].id]
    assert first.kind == "tour" and "beach" in first.tags


async def test_a_lone_syllable_is_no_tour_name(app: App) -> None:
    # "gia đình" (family) and "văn hóa" are not the "Định Hóa" of a tour's name.
    [reply] = await say(app, "gia dinh minh thich van hoa tam linh di dau")
    first = app.pack.items[reply.items[0].id]
    assert {"culture", "spiritual"} <= set(first.tags)


async def test_a_month_favours_tours_at_their_best_then_and_names_its_festivals(app: App) -> None:
    [reply] = await say(app, "thang 6 nam sau nen di dau choi")
    first = app.pack.items[reply.items[0].id]
    assert first.kind == "tour" and first.best_time is not None and "6" in first.best_time.vi
    assert "Lễ hội dịp đó: " in reply.text and "vải thiều" in reply.text
    assert "có ghé" not in reply.text  # "năm" (year) names no stop ("Nam Đàn")


async def test_a_trip_shows_the_stop_that_answers_the_wish(app: App) -> None:
    [reply] = await say(app, "di 1 ngay tu ha noi xem lam gom thi di dau")
    assert reply.items[0].id == "tour-1-ngay-quan-ho-kinh-bac"
    assert "có ghé Làng cổ Thổ Hà" in reply.text.splitlines()[1]


async def test_a_tour_to_a_named_place_for_some_days(app: App) -> None:
    [reply] = await say(app, "minh muon di ho ba be 3 ngay, co tour nao ko")
    assert reply.items[0].id == "tour-3-ngay-che-atk-ba-be"


async def test_a_common_word_names_no_stop(app: App) -> None:
    # "tư vấn", "nghề": words in many places' names say nothing about which stop.
    [reply] = await say(app, "tư vấn giúp mình lịch trình đi làng nghề 2 ngày")
    assert "có ghé" not in reply.text
    assert app.pack.items[reply.items[0].id].kind == "tour"


async def test_a_recipe_is_out_of_scope_and_the_dish_is_offered(app: App) -> None:
    replies = await say(app, "how do I cook Nghe An eel soup at home")
    assert not replies[0].answered and "no recipes" in replies[0].text
    assert replies[-1].items and replies[-1].items[0].id == "sup-luon-nghe-an"
    [vi] = await say(app, "công thức nấu bánh chưng", user="v2")
    assert not vi.answered and vi.text.startswith("Mình không có công thức")


async def test_a_word_belongs_to_one_name(app: App) -> None:
    # "phở chua là": Phở chua, not "chùa La" (Vĩnh Nghiêm); "An Phụ thờ": no Phú Thọ.
    [reply] = await say(app, "phở chua là món gì vậy")
    assert reply.items[0].id == "pho-chua-lang-son"
    [reply] = await say(app, "đền Cao An Phụ thờ ai", user="v2")
    assert reply.answered and reply.items[0].id == "den-cao-an-phu"
    assert "Trần Liễu" in reply.text


async def test_a_festival_named_in_full_is_no_generic_list(app: App) -> None:
    # "làng", "hội" and "điểm" are generic words, but "hội làng Diềm" is a name.
    [reply] = await say(app, "hội làng Diềm bao giờ diễn ra")
    assert reply.items[0].id == "hoi-lang-diem"


async def test_kinds_of_place_together_and_historic_sites(app: App) -> None:
    [reply] = await say(app, "Which lakes and caves can I visit in Thai Nguyen?")
    tags = [set(app.pack.items[i.id].tags) for i in reply.items]
    assert tags and all(t & {"lake", "cave"} for t in tags)
    assert any("lake" in t for t in tags) and any("cave" in t for t in tags)
    [relics] = await say(app, "những di tích lịch sử ở Nghệ An", user="v2")
    assert relics.text.startswith("Di tích lịch sử ở Nghệ An (")
    assert all(app.pack.items[i.id].kind == "place" for i in relics.items)


async def test_there_in_a_list_request_is_the_subjects_province(app: App) -> None:
    await say(app, "Làng Đình Bảng có gì?")
    [reply] = await say(app, "ở đó có đền nào?")
    assert reply.text.startswith("Đền ở Bắc Ninh (")
    assert reply.items[0].id == "lang-dinh-bang"  # still the subject for "it" next
    assert "Đền Đô" in reply.text


async def test_a_story_question_gets_the_sentence_with_the_story(app: App) -> None:
    [reply] = await say(app, "Chi Lăng đã xảy ra chuyện gì")
    assert "981" in reply.text
    [named] = await say(app, "vì sao gọi là đền Cuông", user="v2")
    assert "chim công" in named.text


async def test_today_in_the_lunar_calendar_in_chat_shorthand(app: App) -> None:
    [reply] = await say(app, "hnay la ngay bao nhieu am lich")
    assert "âm lịch" in reply.text and reply.items == ()
