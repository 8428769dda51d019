"""Content spec v2: sources with URLs, confidence, place practicals, tour events, dishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import Problem, load_content, require_content
from bot.content.schema import Dish, Place, Tour
from tests.content.builders import (
    NEWS,
    PORTAL,
    minimal_content,
    text,
    write_event,
    write_item,
    write_place,
)

HOURS = {"text": text("7:00–17:00", "7 am to 5 pm"), "as_of": "2025-03-01", "source": NEWS}
DATED_SOURCES = [
    {"title": "Cổng thông tin", "url": PORTAL},
    {"title": "Báo Bắc Giang", "url": NEWS, "date": "2025-03-01"},
]


def _full(root: Path) -> Path:
    """A pack using every v2 field once; each test below breaks one thing in it."""
    minimal_content(root)
    write_place(root, "lang-ke", getting_there=text("Đi ô tô.", "By car."))
    write_place(
        root,
        "chua-vinh-nghiem",
        sources=DATED_SOURCES,
        opening_hours=HOURS,
        tickets={**HOURS, "text": text("Miễn phí", "Free")},
        uncertain=[text("Giờ mở cửa có thể đổi.", "Opening hours may change.")],
    )
    write_event(root, "hoi-lim", places=["chua-vinh-nghiem"])
    write_item(
        root,
        "dish",
        "banh-da-ke",
        provinces=["bac-giang"],
        where=["lang-ke"],
        season=text("Quanh năm", "All year"),
    )
    write_item(
        root,
        "tour",
        "tour-xuan",
        duration_days=1,
        days=[
            {
                "day": 1,
                "title": text("Ngày 1", "Day 1"),
                "stops": ["chua-vinh-nghiem", "lang-ke"],
                "travel": text("Khoảng 20 km.", "About 20 km."),
            }
        ],
        events=["hoi-lim"],
    )
    return root


def _problems(root: Path) -> list[Problem]:
    pack, problems = load_content(root)
    assert pack is None
    return problems


def _has(problems: list[Problem], file: str, field: str, message: str) -> bool:
    return any(p.file == file and p.field == field and message in p.message for p in problems)


def test_every_v2_field_loads(tmp_path: Path) -> None:
    pack = require_content(_full(tmp_path / "content"))
    dish = pack.items["banh-da-ke"]
    assert isinstance(dish, Dish) and dish.where == ["lang-ke"]
    place = pack.items["chua-vinh-nghiem"]
    assert isinstance(place, Place) and place.opening_hours is not None
    assert place.opening_hours.source == NEWS  # kept as typed, not normalised
    assert place.sources[1].date is not None and place.sources[1].date.year == 2025
    tour = pack.items["tour-xuan"]
    assert isinstance(tour, Tour) and tour.events == ["hoi-lim"]
    assert tour.days[0].travel is not None
    assert pack.of_kind("dish") == [dish]


def test_source_without_url_names_file_and_field(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    write_event(root, "hoi-lim", sources=[{"title": "Lịch lễ hội"}])
    problems = _problems(root)
    assert [str(p) for p in problems] == [
        "content/event/hoi-lim.yaml: sources[0].url: Field required"
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("baobacgiang.vn/le-hoi.html", "valid URL"),
        ("ftp://baobacgiang.vn/le-hoi.html", "scheme should be 'http' or 'https'"),
        ("https://baobacgiang.vn/le hoi.html", "no spaces"),
        ("https://", "valid URL"),
    ],
)
def test_bad_url_names_file_and_field(tmp_path: Path, url: str, message: str) -> None:
    root = _full(tmp_path / "content")
    write_place(
        root, "lang-ke", sources=[{"title": "Cổng", "url": PORTAL}, {"title": "B", "url": url}]
    )
    problems = _problems(root)
    assert _has(problems, "content/place/lang-ke.yaml", "sources[1].url", message), problems


@pytest.mark.parametrize("confidence", [None, "sure"])
def test_confidence_is_required_and_one_of_three(tmp_path: Path, confidence: str | None) -> None:
    root = _full(tmp_path / "content")
    path = write_item(root, "faq", "visa", confidence=confidence)
    if confidence is None:
        path.write_text(path.read_text("utf-8").replace("confidence: null\n", ""), "utf-8")
    problems = _problems(root)
    message = "Field required" if confidence is None else "'verified', 'reported' or 'uncertain'"
    assert _has(problems, "content/faq/visa.yaml", "confidence", message), problems


def test_place_needs_address_and_coordinates(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    write_item(root, "place", "den-x", provinces=["bac-giang"])
    assert [(p.field, p.message) for p in _problems(root)] == [
        ("address", "Field required"),
        ("coordinates", "Field required"),
    ]


@pytest.mark.parametrize(
    ("where", "field", "message"),
    [
        (["bac-giang"], "where", "'bac-giang' is a province, not a place"),
        (["hoi-lim"], "where", "'hoi-lim' is an event, not a place"),
        (["cho-nowhere"], "where", "unknown id 'cho-nowhere'"),
        ([], "where", "at least 1 item"),
    ],
)
def test_dish_where_must_name_places(
    tmp_path: Path, where: list[str], field: str, message: str
) -> None:
    root = _full(tmp_path / "content")
    write_item(root, "dish", "banh-da-ke", provinces=["bac-giang"], where=where)
    problems = _problems(root)
    assert _has(problems, "content/dish/banh-da-ke.yaml", field, message), problems


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (["lang-ke"], "'lang-ke' is a place, not an event"),
        (["hoi-nowhere"], "unknown id 'hoi-nowhere'"),
    ],
)
def test_tour_events_must_name_events(tmp_path: Path, events: list[str], message: str) -> None:
    root = _full(tmp_path / "content")
    days = [{"day": 1, "title": text("Ngày 1", "Day 1"), "stops": ["lang-ke"]}]
    write_item(root, "tour", "tour-xuan", duration_days=1, days=days, events=events)
    problems = _problems(root)
    assert [(p.file, p.field) for p in problems] == [("content/tour/tour-xuan.yaml", "events")]
    assert message in problems[0].message


def test_practical_source_must_be_among_sources(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    elsewhere = {**HOURS, "source": "https://vov.vn/gio-mo-cua.html"}
    write_place(root, "lang-ke", sources=DATED_SOURCES, tickets=elsewhere)
    assert [str(p) for p in _problems(root)] == [
        "content/place/lang-ke.yaml: tickets.source:"
        " 'https://vov.vn/gio-mo-cua.html' is not the url of one of the sources"
    ]


def test_practical_source_needs_a_date(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    undated: list[dict[str, Any]] = [{"title": "Báo Bắc Giang", "url": NEWS}]
    write_place(root, "lang-ke", sources=undated, opening_hours=HOURS)
    assert [str(p) for p in _problems(root)] == [
        "content/place/lang-ke.yaml: sources[0].date: required: this source is cited by"
        " opening_hours.source"
    ]


def test_practical_needs_its_as_of_date(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    no_date = {k: v for k, v in HOURS.items() if k != "as_of"}
    write_place(root, "lang-ke", sources=DATED_SOURCES, opening_hours=no_date)
    problems = _problems(root)
    assert _has(problems, "content/place/lang-ke.yaml", "opening_hours.as_of", "required")


def test_a_sourced_point_names_its_source_among_the_sources(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    undated: list[dict[str, Any]] = [{"title": "Wikipedia — Xã Tân Dĩnh, tọa độ", "url": NEWS}]
    point = {"lat": 21.27, "lon": 106.19, "precision": "commune", "source": NEWS}
    write_place(root, "lang-ke", sources=undated, coordinates=point)
    pack, problems = load_content(root)  # a point needs no dated source, unlike a ticket price
    assert problems == [] and pack is not None
    write_place(root, "lang-ke", coordinates={**point, "source": "https://vi.wikipedia.org/x"})
    assert [str(p) for p in _problems(root)] == [
        "content/place/lang-ke.yaml: coordinates.source:"
        " 'https://vi.wikipedia.org/x' is not the url of one of the sources"
    ]


def test_a_point_said_to_be_the_sites_needs_a_source(tmp_path: Path) -> None:
    root = _full(tmp_path / "content")
    write_place(root, "lang-ke", coordinates={"lat": 21.27, "lon": 106.19, "precision": "site"})
    problems = _problems(root)
    assert _has(problems, "content/place/lang-ke.yaml", "coordinates", "needs the source")
