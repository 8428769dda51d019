"""One Understanding on the bundled content's names, shared by the NLU tests."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import PROJECT_DIR
from bot.content.loader import require_content
from bot.nlu import Understanding, gazetteer_from

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="session")
def nlu() -> Understanding:
    pack = require_content(PROJECT_DIR / "content")
    provinces, names = gazetteer_from(pack.items.values())
    return Understanding(provinces, names)
