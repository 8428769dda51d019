"""Shared fixtures: a real app on the bundled content and a SQLite file in a temp dir."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import PROJECT_DIR, Settings
from bot.core.models import Inbound, Reply

# Loopback fakes must never go through a proxy.
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ.pop("HTTPS_PROXY", None)
os.environ.pop("HTTP_PROXY", None)

TODAY = dt.date(2026, 11, 26)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "TOURBOT_DB": tmp_path / "tourbot.sqlite3",
        "TOURBOT_CONTENT": PROJECT_DIR / "content",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await build_app(make_settings(tmp_path), lambda: TODAY)
    try:
        yield application
    finally:
        await application.close()


async def say(app: App, text: str | None = None, user: str = "v1", **kw: object) -> list[Reply]:
    """One visitor message (or button press, ``payload=``) through the app's dispatcher."""
    assert app.conversation is not None
    msg = Inbound("test", user, user, text=text, **kw)  # type: ignore[arg-type]
    return await app.conversation.handle(msg)
