"""Gettext translations (Babel catalogs in ``locales/``) and the current user's locale.

Handlers call ``_()``; the locale comes from a context variable set once per message
from the user record, so no translator is passed through every call.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.support import Translations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("tourbot_lang", default=DEFAULT_LANG)
_catalogs: dict[str, Translations] = {}


class CatalogMissing(RuntimeError):
    """A compiled catalog (.mo) is absent: refuse to start rather than speak half English."""


def load_catalogs(locales_dir: Path = LOCALES_DIR) -> None:
    """Load every compiled catalog; raise ``CatalogMissing`` when one is absent."""
    for lang in LANGS:
        mo = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file():
            raise CatalogMissing(f"{mo}: compiled catalog missing (run: scripts/i18n compile)")
        with mo.open("rb") as fp:
            _catalogs[lang] = Translations(fp, domain=DOMAIN)


def normalize_lang(tag: str | None) -> str | None:
    """Map an IETF tag such as "vi-VN" or "en-US" to a supported language, else None."""
    if not tag:
        return None
    prefix = tag.replace("_", "-").split("-", 1)[0].lower()
    return prefix if prefix in LANGS else None


def current_lang() -> str:
    return _current.get()


@contextmanager
def use_lang(lang: str) -> Iterator[None]:
    """Run a block with ``lang`` as the current locale."""
    token = _current.set(lang if lang in LANGS else DEFAULT_LANG)
    try:
        yield
    finally:
        _current.reset(token)


def _catalog(lang: str | None = None) -> Translations:
    if not _catalogs:
        load_catalogs()
    return _catalogs[lang or _current.get()]


def gettext(message: str) -> str:
    """Translate ``message`` into the current locale."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by ``n``."""
    return _catalog().ngettext(singular, plural, n)


def gettext_in(lang: str, message: str) -> str:
    """Translate ``message`` into an explicit language (for set-up and broadcasts)."""
    return _catalog(lang).gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


_ = gettext
