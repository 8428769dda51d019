"""Pure parts of the Telegram channel: splitting, commands, ids, retry waits, catalogs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from telegram.error import RetryAfter

from bot.channels.telegram import file_base_url
from bot.channels.telegram_render import (
    callback_data_ok,
    command_text,
    inline_results,
    render_chunks,
    split_text,
    utf16_len,
)
from bot.channels.telegram_send import retry_after_seconds
from bot.core.models import ItemRef, Reply

ROOT = Path(__file__).resolve().parents[2]


def test_split_prefers_paragraphs_then_lines_then_spaces() -> None:
    text = "a" * 60 + "\n\n" + "b" * 30 + "\n" + "c" * 30
    assert split_text(text, 100) == ["a" * 60, "b" * 30 + "\n" + "c" * 30]
    assert split_text("x" * 70 + "\n" + "y" * 60, 100) == ["x" * 70, "y" * 60]
    assert split_text("word " * 30, 50) == ["word " * 9 + "word"] * 2 + ["word " * 10]
    assert split_text("z" * 250, 100) == ["z" * 100, "z" * 100, "z" * 50]  # no boundary


def test_split_ignores_an_early_boundary_and_drops_blank_pieces() -> None:
    assert split_text("ab\n\n" + "c" * 150, 100) == ["ab\n\n" + "c" * 96, "c" * 54]
    assert split_text("   ", 100) == []
    assert split_text("short", 100) == ["short"]


def test_split_counts_emoji_as_two_units() -> None:
    pieces = split_text("😀" * 60, 100)
    assert [len(p) for p in pieces] == [50, 10]
    assert all(utf16_len(p) <= 100 for p in pieces)


def test_title_counts_against_the_first_message() -> None:
    reply = Reply(title="T" * 10, text="w " * 60, lang="en")
    chunks = render_chunks(reply, limit=50)
    assert chunks[0].startswith("<b>TTTTTTTTTT</b>\n")
    assert len(chunks[0]) - len("<b></b>") <= 50
    assert render_chunks(Reply(title="Only <title>", text="", lang="en")) == [
        "<b>Only &lt;title&gt;</b>"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", "/start"),
        ("/start tour-atk", "/start tour-atk"),
        ("/start@tour_test_bot tour-atk", "/start tour-atk"),
        ("/help@Tour_Test_Bot", "/help"),
        ("/help@other_bot", None),
        ("hello @tour_test_bot", "hello @tour_test_bot"),
        ("email me@x.vn", "email me@x.vn"),
    ],
)
def test_command_text(text: str, expected: str | None) -> None:
    assert command_text(text, "tour_test_bot") == expected


def test_callback_data_rules() -> None:
    assert callback_data_ok("ev:hoi-lim:p2")
    assert callback_data_ok("x" * 64)
    assert not callback_data_ok("x" * 65)
    assert not callback_data_ok("lễ-hội")
    assert not callback_data_ok("")


def test_inline_result_ids_are_unique_and_short() -> None:
    def card(item_id: str | None) -> Reply:
        items = (ItemRef(id=item_id, kind="place", title="x"),) if item_id else ()
        return Reply(text="Body", lang="vi", items=items)

    results = inline_results([card("den-do"), card("den-do"), card(None), card("x" * 65)])
    assert [r.id for r in results] == ["den-do", "#1", "#2", "#3"]
    assert results[0].title == "Body"  # no title: the first line


def test_file_base_url() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:81/bot") == "http://127.0.0.1:81/file/bot"
    assert file_base_url("http://tg.local:81/custom/") == "http://tg.local:81/file/bot"


def test_retry_after_int_or_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert retry_after_seconds(RetryAfter(dt.timedelta(seconds=2.5))) == 2.5


def test_every_channel_string_has_a_vietnamese_translation() -> None:
    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        translations = {m.id: m.string for m in read_po(fp) if m.id and m.string}
    found = set()
    for module in sorted((ROOT / "bot" / "channels").glob("telegram*.py")):
        for _line, message, _comments, _context in extract_from_file("python", str(module)):
            assert isinstance(message, str)
            found.add(message)
    assert len(found) >= 14
    assert not [m for m in found if not translations.get(m)]
