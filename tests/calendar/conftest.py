"""Catalogs for the calendar tests (dates are formatted in both languages)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import i18n


@pytest.fixture(scope="package", autouse=True)
def calendar_catalogs() -> Iterator[None]:
    i18n.load_catalogs()
    yield
