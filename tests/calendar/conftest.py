"""Catalogs for the calendar tests: the compiled ones in locales/ when they exist, else
a temporary build of locales/pending/calendar.po (Vietnamese; English uses the msgids)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import i18n

PENDING_PO = i18n.LOCALES_DIR / "pending" / "calendar.po"


def _compiled_catalogs_exist(locales_dir: Path) -> bool:
    return all(
        (locales_dir / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").is_file() for lang in i18n.LANGS
    )


def _build_pending(root: Path) -> Path:
    for lang in i18n.LANGS:
        with PENDING_PO.open("rb") as fp:
            catalog = read_po(fp, locale=lang)
        if lang != "vi":
            for message in catalog:
                if message.id:
                    message.string = ""  # untranslated: gettext falls back to the msgid
        out = root / lang / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / f"{i18n.DOMAIN}.mo").open("wb") as fp:
            write_mo(fp, catalog)
    return root


@pytest.fixture(scope="package", autouse=True)
def calendar_catalogs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # load_catalogs fills a module-level dict; put back what was there so that tests
    # outside this package see the catalogs they would have seen without us.
    saved = dict(i18n._catalogs)
    if _compiled_catalogs_exist(i18n.LOCALES_DIR):
        i18n.load_catalogs(i18n.LOCALES_DIR)
    else:
        i18n.load_catalogs(_build_pending(tmp_path_factory.mktemp("locales")))
    yield
    i18n._catalogs.clear()
    i18n._catalogs.update(saved)
