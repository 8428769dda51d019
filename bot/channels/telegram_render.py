"""Turn neutral replies into Telegram HTML, keyboards and inline results (pure functions)."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.channels import plain
from bot.channels.plain import utf16_len
from bot.core.labels import short
from bot.core.models import Button, Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4096  # Bot API limit, counted after entity parsing, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
MAX_INLINE_RESULT_ID = 64  # bytes
DESCRIPTION_CHARS = 100

_COMMAND_RE = re.compile(r"^(/[A-Za-z0-9_]{1,32})@([A-Za-z0-9_]+)(.*)$", re.DOTALL)
_URL_SCHEMES = ("https://", "http://", "tg://")


def split_text(text: str, limit: int = MAX_TEXT, first_limit: int | None = None) -> list[str]:
    """Telegram's cut of a text: at most ``limit`` UTF-16 units per message."""
    return plain.split_text(text, limit, units=utf16_len, first_limit=first_limit)


def render_chunks(reply: Reply, limit: int = MAX_TEXT) -> list[str]:
    """The reply as one or more HTML messages; every content string is escaped.

    Splitting happens on the plain text, before escaping, because the limit applies to the
    visible text and ``&amp;`` counts as one character there.
    """
    title = reply.title.strip() if reply.title else ""
    head_units = utf16_len(title) + 1 if title else 0
    pieces = split_text(reply.text, limit, first_limit=limit - head_units)
    chunks = [html.escape(piece, quote=False) for piece in pieces]
    if title:
        head = f"<b>{html.escape(title, quote=False)}</b>"
        chunks = [f"{head}\n{chunks[0]}", *chunks[1:]] if chunks else [head]
    return chunks


def callback_data_ok(payload: str) -> bool:
    """Telegram accepts 1–64 bytes; the core promises compact ASCII, so insist on it."""
    return payload.isascii() and 0 < len(payload) <= MAX_CALLBACK_DATA


def _button(button: Button, *, allow_callbacks: bool) -> dict[str, str] | None:
    """The Bot API fields of one inline button, or None (logged) when it cannot be sent."""
    label = button.label.strip()
    if not label:
        log.warning("telegram: dropping a button without a label")
        return None
    if button.payload is not None:
        if not allow_callbacks:
            return None
        if callback_data_ok(button.payload):
            return {"text": label, "callback_data": button.payload}
        log.warning(
            "telegram: dropping a button whose payload is not 1-64 ASCII bytes (%d bytes)",
            len(button.payload.encode()),
        )
        return None
    if button.url is not None:
        if button.url.startswith(_URL_SCHEMES):
            return {"text": label, "url": button.url}
        # A bad URL makes Telegram reject the whole message, text included.
        log.warning("telegram: dropping a button with an unsupported URL scheme")
        return None
    if button.share is not None:
        return {"text": label, "switch_inline_query": button.share}
    log.warning("telegram: dropping a button with no payload, url or share")
    return None


def keyboard_json(
    rows: Iterable[Sequence[Button]], *, allow_callbacks: bool = True
) -> dict[str, list[list[dict[str, str]]]] | None:
    """The ``reply_markup`` parameter for the reply's buttons as plain JSON, or None when
    no button survives (what ``keyboard`` builds, without PTB objects to serialise)."""
    out: list[list[dict[str, str]]] = []
    for row in rows:
        converted = [_button(b, allow_callbacks=allow_callbacks) for b in row]
        kept = [b for b in converted if b is not None]
        if kept:
            out.append(kept)
    return {"inline_keyboard": out} if out else None


def keyboard(
    rows: Iterable[Sequence[Button]], *, allow_callbacks: bool = True
) -> InlineKeyboardMarkup | None:
    """Inline keyboard for the reply's buttons, or None when no button survives."""
    markup = keyboard_json(rows, allow_callbacks=allow_callbacks)
    if markup is None:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton.de_json(b, None) for b in row] for row in markup["inline_keyboard"]]
    )


def command_text(text: str, bot_username: str | None) -> str | None:
    """``"/start@tour_test_bot x"`` → ``"/start x"``; None for a command aimed at another
    bot (in groups every bot sees ``/cmd@otherbot``); other text unchanged."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return text
    command, addressee, rest = match.groups()
    if bot_username and addressee.lower() != bot_username.lower():
        return None
    return command + rest


def inline_article(reply: Reply, result_id: str) -> InlineQueryResultArticle:
    """One shareable card. Callback buttons are left out: the card is posted in chats of
    people who may never have started the bot, and the press would reach nobody."""
    first_line = next((line.strip() for line in reply.text.splitlines() if line.strip()), "")
    title = (reply.title or "").strip() or first_line or "…"
    chunks = render_chunks(reply)
    return InlineQueryResultArticle(
        id=result_id,
        title=short(title, 256),
        description=short(reply.text, DESCRIPTION_CHARS) or None,
        input_message_content=InputTextMessageContent(
            chunks[0] if chunks else html.escape(title, quote=False), parse_mode=ParseMode.HTML
        ),
        reply_markup=keyboard(reply.buttons, allow_callbacks=False),
    )


def inline_results(cards: Sequence[Reply]) -> list[InlineQueryResultArticle]:
    """Articles for ``cards``; ids are the first item id, or ``#index`` when that is missing,
    too long or already used (ids must be unique within one answer)."""
    seen: set[str] = set()
    results: list[InlineQueryResultArticle] = []
    for index, card in enumerate(cards):
        result_id = card.items[0].id if card.items else ""
        if not result_id or len(result_id.encode()) > MAX_INLINE_RESULT_ID or result_id in seen:
            result_id = f"#{index}"  # "#" never occurs in a slug, so no clash
        seen.add(result_id)
        results.append(inline_article(card, result_id))
    return results
