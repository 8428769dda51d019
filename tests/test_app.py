"""The composition root and the console channel, as an operator and a visitor use them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_app
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
