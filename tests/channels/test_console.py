"""The console channel (tourbot chat)."""

from __future__ import annotations

import io
from pathlib import Path

from bot.cli.chat import chat
from tests.conftest import TODAY, make_settings


async def test_console_chat_answers_and_numbers_pick_options(tmp_path: Path) -> None:
    stdin = io.StringIO("/start\nWhen is the Lim festival?\n1\n/quit\n")
    stdout = io.StringIO()
    code = await chat(make_settings(tmp_path), TODAY, "visitor", stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert code == 0
    assert "Lim Festival" in out and "18 February 2027" in out
    assert "[1]" in out  # options are numbered, and "1" picked one without error
    assert out.count("> ") >= 3
