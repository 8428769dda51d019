"""Catalogs: every msgid translated in vi and en, compiled catalogs current, loud failure."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import PROJECT_DIR
from bot.i18n import LANGS, CatalogMissing, gettext, load_catalogs, normalize_lang, use_lang

LOCALES = PROJECT_DIR / "locales"


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def test_pot_is_current_with_the_code(tmp_path: Path) -> None:
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "-k",
            "gettext_in:2",
            "--no-location",
            "--sort-output",
            "-o",
            str(out),
            ".",
        ],
        cwd=PROJECT_DIR,
        check=True,
    )
    with out.open("rb") as fp:
        extracted = {m.id for m in read_po(fp) if m.id}
    with (LOCALES / "messages.pot").open("rb") as fp:
        committed = {m.id for m in read_po(fp) if m.id}
    assert extracted == committed, "run scripts/i18n extract"


@pytest.mark.parametrize("lang", LANGS)
def test_every_msgid_is_translated(lang: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as fp:
        wanted = {m.id for m in read_po(fp) if m.id}
    catalog = _catalog(lang)
    missing = sorted(str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy))
    assert missing == []
    assert wanted <= {m.id for m in catalog if m.id}


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_matches_po(lang: str) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(lang))
    compiled = (LOCALES / lang / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled == buffer.getvalue(), "run scripts/i18n compile"


def test_missing_catalog_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissing):
        load_catalogs(tmp_path)
    load_catalogs()


def test_translation_follows_the_context_language() -> None:
    load_catalogs()
    with use_lang("vi"):
        vi = gettext("Places")
    with use_lang("en"):
        en = gettext("Places")
    assert en == "Places" and vi == "Địa điểm"


def test_normalize_lang() -> None:
    assert normalize_lang("vi-VN") == "vi"
    assert normalize_lang("en_US") == "en"
    assert normalize_lang("fr") is None
    assert normalize_lang(None) is None
