"""The Telegram ``Sender``: one ``sendMessage`` per recipient, PTB errors mapped to outcomes.

It never retries or sleeps itself: the outbox worker decides (a flood wait pauses every
send, not just this one). Log lines carry the chat id and error, never the token.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.telegram_send import retry_after_seconds
from bot.config import Settings
from bot.core.outbound import Outcome, Recipient
from bot.redact import log_id

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# A revoked token fails every send alike: wait for an operator instead of failing the
# whole audience one row at a time.
INVALID_TOKEN_PAUSE = 60.0


class TelegramSender:
    """Sends announcements through a PTB ``Bot`` (``base_url`` from the
    settings, so tests and benchmarks point it at the fake Bot API)."""

    channel = CHANNEL

    def __init__(self, settings: Settings, *, concurrency: int = 32, timeout: float = 10.0) -> None:
        if settings.telegram_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        # httpx logs request URLs at INFO level, and Bot API URLs contain the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        request = HTTPXRequest(
            connection_pool_size=concurrency,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        self._bot = Bot(
            settings.telegram_token.get_secret_value(),
            base_url=settings.telegram_base_url,
            request=request,
        )
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _start(self) -> None:
        async with self._start_lock:
            if not self._started:
                await self._bot.initialize()
                self._started = True

    async def close(self) -> None:
        if self._started:
            await self._bot.shutdown()
            self._started = False

    async def send(self, user: Recipient, text: str) -> Outcome:
        try:
            await self._start()
            await self._bot.send_message(int(user.user_id), text)
        except Exception as exc:  # every platform error becomes an outcome
            return outcome_of(exc, user.user_id)
        return Outcome.sent()


def outcome_of(exc: Exception, chat_id: str) -> Outcome:
    """The outcome a PTB error stands for (raises what is not a PTB error)."""
    # Specific classes first: BadRequest and TimedOut subclass NetworkError.
    if isinstance(exc, RetryAfter):
        return Outcome.retry_after(retry_after_seconds(exc))
    if isinstance(exc, Forbidden):
        log.info("telegram: chat %s blocked the bot: %s", log_id(chat_id), exc.message)
        return Outcome.blocked()
    if isinstance(exc, BadRequest):
        return Outcome.failed(exc.message)
    if isinstance(exc, TimedOut):
        return Outcome.temporary("timed out")
    if isinstance(exc, NetworkError):
        return Outcome.temporary(exc.message)
    if isinstance(exc, InvalidToken):
        log.error("telegram: the bot token was rejected; pausing announcements")
        return Outcome.retry_after(INVALID_TOKEN_PAUSE)
    if isinstance(exc, ChatMigrated):
        return Outcome.failed(f"chat migrated to {exc.new_chat_id}")
    if isinstance(exc, TelegramError):
        return Outcome.failed(exc.message)
    if isinstance(exc, ValueError):  # a user id that is not a Telegram chat id
        return Outcome.failed(f"invalid chat id: {exc}")
    raise exc
