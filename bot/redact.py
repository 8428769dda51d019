"""Secrets out of error texts and log lines: bot tokens in URLs and known secret values.

Telegram and Zalo Bot URLs carry the token in their path (``/bot<id>:<secret>/method``),
and HTTP libraries put the URL into their error messages. ``redact`` cleans one text at
the place an error is raised; ``install_redaction`` adds a logging filter to the root
handlers, the last line of defence for whatever else reaches a log record.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import traceback
from collections.abc import Iterable

from pydantic import SecretStr
from pydantic_settings import BaseSettings

MASK = "<redacted>"
# The token segment of a Bot API URL: "bot", the numeric bot id, ":" (or "%3A"), secret.
_URL_TOKEN = re.compile(r"(/bot)\d+(?::|%3[Aa])[^/\s'\"?#]+")
# A bare Telegram-style token: bot id, colon, a long secret.
_BARE_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
# The key of ``log_id``, new in every process: the lines of one run can be followed
# user by user, and no id can be recovered from them, not even by trying every id.
_LOG_KEY = os.urandom(16)
# Shorter values would mask ordinary words in every log line.
MIN_SECRET_LENGTH = 6


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every token-bearing URL segment and every value of ``secrets`` masked."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    text = _URL_TOKEN.sub(rf"\1{MASK}", text)
    return _BARE_TOKEN.sub(MASK, text)


def log_id(user_or_chat_id: str | int | None) -> str:
    """A short pseudonym of a platform user or chat id for log lines (``u:`` + 8 hex)."""
    digest = hashlib.blake2b(str(user_or_chat_id).encode(), key=_LOG_KEY, digest_size=4)
    return "u:" + digest.hexdigest()


def secret_values(*settings: BaseSettings) -> list[str]:
    """Every ``SecretStr`` value set in ``settings`` objects (tokens, keys, webhook secrets)."""
    values = []
    for item in settings:
        for value in vars(item).values():
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
    return values


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message, exception and stack text before any handler
    formats it. Never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it
            return True
        clean = redact(message, self._secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Formatted here, so that the handlers' formatters reuse the masked text.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


def install_redaction(*settings: BaseSettings, logger: logging.Logger | None = None) -> None:
    """Add a ``RedactingFilter`` for the secrets in ``settings`` to every handler of
    ``logger`` (the root logger); call it once logging is configured."""
    target = logger or logging.getLogger()
    secrets = secret_values(*settings)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(RedactingFilter(secrets))
