"""The composition root and the console channel, as an operator and a visitor use them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from bot.app import build_app
from bot.cli.chat import chat
from bot.config import PROJECT_DIR
from bot.content.loader import ContentError
from tests.conftest import TODAY, make_settings


async def test_broken_content_is_refused_and_the_last_good_pack_keeps_serving(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    app = await build_app(make_settings(tmp_path, TOURBOT_CONTENT=content), lambda: TODAY)
    try:
        lim = content / "event" / "hoi-lim.yaml"
        good = lim.read_text("utf-8")
        lim.write_text(good.replace("calendar: lunar", "calendar: weekly"), "utf-8")
        with pytest.raises(ContentError) as info:
            await app.reload_content()
        assert any(p.file.endswith("hoi-lim.yaml") for p in info.value.problems)
        reply = (await app.engine.answer("hoi lim bao gio", TODAY)).reply
        assert reply.items[0].id == "hoi-lim"  # still served from the last good pack

        lim.write_text(good.replace("aliases: [", 'aliases: ["hội quan họ lớn nhất", ', 1), "utf-8")
        pack = await app.reload_content()
        assert "hội quan họ lớn nhất" in pack.items["hoi-lim"].aliases
        reply = (await app.engine.answer("hội quan họ lớn nhất", TODAY)).reply
        assert reply.items[0].id == "hoi-lim"
    finally:
        await app.close()


async def test_index_is_reused_when_content_is_unchanged(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = await build_app(settings, lambda: TODAY)
    stamp = await first.docs.fingerprint()
    await first.close()
    second = await build_app(settings, lambda: TODAY)
    try:
        assert await second.docs.fingerprint() == stamp
    finally:
        await second.close()


async def test_an_index_rewritten_for_newer_content_does_not_confuse_a_running_bot(
    tmp_path: Path,
) -> None:
    """An operator edits content/ and tries `tourbot ask` before reloading the bot: the
    shared index is rewritten for the new content while the bot serves the old pack."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    settings = make_settings(tmp_path, TOURBOT_CONTENT=content)
    running = await build_app(settings, lambda: TODAY)
    questions = [
        "green tea growing area",
        "museum of ethnic cultures",
        "mountain temple pilgrimage cable car",
        "historic mountain pass",
    ]

    async def answers() -> list[str]:
        replies = [(await running.engine.answer(q, TODAY)).reply for q in questions]
        return [r.items[0].id if r.items else "(none)" for r in replies]

    try:
        before = await answers()
        assert "(none)" not in before
        stamp = await running.docs.fingerprint()
        # A new item whose id sorts first: numbered rows would all have shifted by one.
        source = (content / "place" / "ai-chi-lang.yaml").read_text("utf-8")
        (content / "place" / "aaa-new-place.yaml").write_text(
            source.replace("id: ai-chi-lang", "id: aaa-new-place"), "utf-8"
        )
        preview = await build_app(settings, lambda: TODAY, broadcasting=False)
        await preview.close()
        assert await running.docs.fingerprint() != stamp  # the preview rewrote the index
        assert await answers() == before
    finally:
        await running.close()


async def test_console_chat_answers_and_numbers_pick_options(tmp_path: Path) -> None:
    stdin = io.StringIO("/start\nWhen is the Lim festival?\n1\n/quit\n")
    stdout = io.StringIO()
    code = await chat(make_settings(tmp_path), TODAY, "visitor", stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert code == 0
    assert "Lim Festival" in out and "18 February 2027" in out
    assert "[1]" in out  # options are numbered, and "1" picked one without error
    assert out.count("> ") >= 3
