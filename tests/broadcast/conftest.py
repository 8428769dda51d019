"""Fixtures for the broadcast tests: the catalogs, the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot import i18n
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture(autouse=True)
def catalogs() -> Iterator[None]:
    # Per test: other packages load their own catalogs in between.
    i18n.load_catalogs()
    yield


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
