"""What a question asks for, beyond its words: a province's overview page for a general
question, a tour about the thing named, and words that only say "famous"."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.conftest import TODAY


async def first_items(app: App, question: str, n: int = 1) -> list[str]:
    reply = (await app.engine.answer(question, TODAY)).reply
    assert reply.answered, reply.text
    return [i.id for i in reply.items][:n]


@pytest.mark.parametrize(
    ("question", "page"),
    [
        ("What should I eat in Hai Duong?", "dac-san-hai-duong"),
        ("hai duong co mon gi ngon ko", "dac-san-hai-duong"),
        ("Đến Nghệ An nên ăn gì?", "dac-san-nghe-an"),
        ("thai nguyen co mon gi ngon", "dac-san-thai-nguyen"),
    ],
)
async def test_a_general_food_question_gets_the_provinces_food_page(
    app: App, question: str, page: str
) -> None:
    assert await first_items(app, question) == [page]


async def test_a_named_dish_still_gets_the_dish(app: App) -> None:
    assert await first_items(app, "bánh mướt Nghệ An") == ["banh-muot-nghe-an"]


async def test_the_food_page_of_the_province_named_not_of_its_former_parts(app: App) -> None:
    # Bắc Ninh now contains former Bắc Giang, which has its own food page.
    assert await first_items(app, "ăn gì ở Bắc Ninh") == ["dac-san-bac-ninh"]


@pytest.mark.parametrize(
    ("question", "tour"),
    [
        ("tour nào đi hồ Ba Bể", "tour-3-ngay-che-atk-ba-be"),  # a stop of the tour
        ("tour hát Then có không", "tour-then"),  # named after it
    ],
)
async def test_a_tour_about_the_thing_named_comes_first(app: App, question: str, tour: str) -> None:
    assert await first_items(app, question) == [tour]


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("Thổ Hà nổi tiếng vì điều gì", "lang-gom-tho-ha"),  # not "Hà Nội" across two names
        ("Làng Vân nổi tiếng với gì", "lang-van"),
    ],
)
async def test_famous_for_is_no_content(app: App, question: str, item: str) -> None:
    assert await first_items(app, question) == [item]
