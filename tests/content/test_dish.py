"""A dish file is indexed and answered like any item, and food questions favour dishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.content.builders import minimal_content, text, write_item, write_place


def _content(root: Path) -> Path:
    minimal_content(root)
    write_place(
        root,
        "lang-ke",
        name=text("Làng Kế", "Ke village"),
        aliases=["lang ke", "Ke village"],
        summary=text(
            "Làng Kế ở Bắc Giang, nổi tiếng làm bánh đa.",
            "Ke village in Bac Giang is known for its rice crackers.",
        ),
        body=text(
            "Làng cổ bên sông Thương, có đình làng và nghề bánh đa lâu đời.",
            "An old village on the Thuong river with a communal house and a long cracker craft.",
        ),
    )
    write_item(
        root,
        "dish",
        "banh-da-ke",
        name=text("Bánh đa Kế", "Ke rice crackers"),
        aliases=["banh da ke", "Ke rice cracker"],
        summary=text(
            "Bánh đa vừng giòn của làng Kế, Bắc Giang.",
            "Crisp sesame rice crackers from Ke village, Bac Giang.",
        ),
        body=text(
            "Bánh tráng mỏng, rắc vừng, phơi nắng rồi nướng trên than.",
            "Thin rice sheets sprinkled with sesame, sun-dried, then toasted over charcoal.",
        ),
        provinces=["bac-giang"],
        where=["lang-ke"],
        season=text("Quanh năm", "All year"),
    )
    return root


def _ask(capsys: pytest.CaptureFixture[str], tmp_path: Path, question: str) -> dict[str, object]:
    argv = ["--db", str(tmp_path / "db.sqlite3"), "--content", str(tmp_path / "content")]
    code = main([*argv, "ask", "--json", "--today", "2026-11-26", question])
    assert code == 0
    answer: dict[str, object] = json.loads(capsys.readouterr().out)
    return answer


@pytest.mark.parametrize(
    ("question", "lang", "title", "summary"),
    [
        ("bánh đa Kế", "vi", "Bánh đa Kế", "Bánh đa vừng giòn của làng Kế"),
        ("banh da ke", "vi", "Bánh đa Kế", "Bánh đa vừng giòn của làng Kế"),
        ("What are Ke rice crackers?", "en", "Ke rice crackers", "Crisp sesame rice crackers"),
    ],
)
def test_ask_answers_with_the_dish(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    question: str,
    lang: str,
    title: str,
    summary: str,
) -> None:
    _content(tmp_path / "content")
    answer = _ask(capsys, tmp_path, question)
    assert answer["answered"] is True and answer["lang"] == lang
    assert isinstance(answer["items"], list)
    assert answer["items"][0] == {"id": "banh-da-ke", "kind": "dish", "title": title}
    assert isinstance(answer["text"], str) and summary in answer["text"]


def test_food_questions_favour_the_dish_over_a_place_that_says_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The dish is not tagged "food": only its kind can lift it above its village, whose
    # text matches the question as well.
    _content(tmp_path / "content")
    answer = _ask(capsys, tmp_path, "What food should I try in Bac Giang?")
    assert answer["answered"] is True
    assert isinstance(answer["items"], list) and answer["items"][0]["id"] == "banh-da-ke"
    answer = _ask(capsys, tmp_path, "Bắc Giang có đặc sản gì")
    assert isinstance(answer["items"], list)
    ids = [i["id"] for i in answer["items"]]
    assert "banh-da-ke" in ids and "lang-ke" not in ids
    place = _ask(capsys, tmp_path, "làng Kế ở đâu")
    assert isinstance(place["items"], list) and place["items"][0]["id"] == "lang-ke"
