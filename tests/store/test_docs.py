"""The search index rows in SQLite (bot.store.docs): reused, rewritten, never confused."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.app import build_app
from bot.config import PROJECT_DIR
from tests.conftest import TODAY, make_settings


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
        "Chi Lang pass",  # the content was rewritten from sources: named now, not described
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
