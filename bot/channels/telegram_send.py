"""Sending to Telegram under one error policy: flood waits, retries, blocked users.

Log lines carry the method, chat id and error only: never the token (PTB's URLs contain
it) and never what users wrote.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram_render import keyboard_json, render_chunks
from bot.core.models import Reply
from bot.core.ports import Conversation
from bot.redact import log_id

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Time-outs and 5xx (``NetworkError``) are retried with waits
    doubling from ``backoff`` up to ``max_backoff``, for up to ``retry_seconds`` in all
    (``TOURBOT_REPLY_RETRY_SECONDS``), so a short Bot API outage delays replies instead
    of dropping them; ``attempts`` > 0 also caps the tries. A chat's later replies wait
    meanwhile: they keep their order. A flood wait (``RetryAfter``) is honoured once,
    unless it is longer than ``max_flood_wait``, because waiting holds up every later
    message of that chat."""

    attempts: int = 0
    backoff: float = 0.5
    max_flood_wait: float = 60.0
    max_backoff: float = 8.0
    retry_seconds: float = 60.0

    def delay(self, attempt: int) -> float:
        """The wait after failed try number ``attempt`` (1-based)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


class RecipientGone(Exception):
    """The chat refuses the bot (``Forbidden``): stop sending to it."""


def retry_after_seconds(exc: RetryAfter) -> float:
    """``RetryAfter.retry_after`` is an int, or a timedelta when ``PTB_TIMEDELTA`` is set."""
    with warnings.catch_warnings():
        # Reading it as an int warns about the coming switch to timedelta; we handle both.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


class ReplySender:
    """Sends replies and other Bot API calls with retries; reports blocked users to the core."""

    def __init__(self, conversation: Conversation, policy: RetryPolicy, in_flight: int) -> None:
        self._conversation = conversation
        self._policy = policy
        # At most one request per pooled connection: waiting here is cheap, while a request
        # queued inside the HTTP pool times out after its pool timeout (and with httpx,
        # costs a scan of the whole queue at every request start and end).
        self._slots = asyncio.Semaphore(in_flight)

    async def call(
        self,
        method: str,
        op: Callable[[], Awaitable[T]],
        *,
        chat_id: int | None = None,
        user_id: str | None = None,
    ) -> T | None:
        """Run ``op`` (one Bot API call) under the policy; None when it finally failed.

        Raises ``RecipientGone`` on ``Forbidden`` for a chat. A retried time-out may
        deliver a message twice; Telegram offers no idempotency key, and a duplicate
        beats a lost answer.
        """
        attempt = 1
        flood_waited = False
        started = time.monotonic()
        while True:
            try:
                async with self._slots:
                    return await op()
            except Forbidden as exc:
                await self._forbidden(method, chat_id, user_id, exc)
                if chat_id is None:
                    return None
                raise RecipientGone(str(chat_id)) from exc
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if flood_waited or wait > self._policy.max_flood_wait:
                    log.warning("telegram: %s to chat %s dropped: %s", method, log_id(chat_id), exc)
                    return None
                flood_waited = True
                log.info(
                    "telegram: %s to chat %s: flood wait %.1f s", method, log_id(chat_id), wait
                )
                await asyncio.sleep(wait)
            except BadRequest as exc:  # before NetworkError: BadRequest subclasses it
                log.warning(
                    "telegram: %s to chat %s rejected: %s", method, log_id(chat_id), exc.message
                )
                return None
            except NetworkError as exc:  # TimedOut, 5xx, connection errors
                delay = self._policy.delay(attempt)
                out_of_tries = 0 < self._policy.attempts <= attempt
                out_of_time = time.monotonic() + delay - started > self._policy.retry_seconds
                if out_of_tries or out_of_time:
                    log.warning(
                        "telegram: %s to chat %s failed after %d attempts: %s",
                        method,
                        chat_id,
                        attempt,
                        exc.message,
                    )
                    return None
                await asyncio.sleep(delay)
                attempt += 1
            except TelegramError as exc:  # ChatMigrated, Conflict, InvalidToken, ...
                log.warning("telegram: %s to chat %s failed: %r", method, log_id(chat_id), exc)
                return None

    async def _forbidden(
        self, method: str, chat_id: int | None, user_id: str | None, exc: Forbidden
    ) -> None:
        log.info("telegram: %s to chat %s forbidden: %s", method, log_id(chat_id), exc.message)
        # Only a private chat is the user: being kicked from a group says nothing about
        # whether they still want announcements in their own chat.
        if user_id is None or chat_id is None or str(chat_id) != user_id:
            return
        try:
            await self._conversation.mark_blocked("telegram", user_id)
        except Exception:
            log.exception(
                "telegram: could not record that user %s blocked the bot", log_id(user_id)
            )

    async def send_replies(
        self,
        bot: Bot,
        chat_id: int,
        user_id: str,
        replies: Sequence[Reply],
        thread: str | None = None,
    ) -> None:
        """Send every reply in order (into forum topic ``thread`` if given); stop at the
        first ``Forbidden``."""
        try:
            for reply in replies:
                await self._send_reply(bot, chat_id, user_id, reply, thread)
        except RecipientGone:
            return

    async def _send_reply(
        self, bot: Bot, chat_id: int, user_id: str, reply: Reply, thread: str | None
    ) -> None:
        # Plain JSON parameters and answers: ``bot.send_message`` would build PTB objects
        # for the keyboard and, from the answer, a Message that nobody reads (~15% of the
        # loop thread's CPU per update in bench/telegram_e2e.py).
        if reply.image is not None:
            photo = partial(
                bot.send_photo, chat_id, reply.image.png, caption=reply.image.caption[:1024]
            )
            await self.call("sendPhoto", photo, chat_id=chat_id, user_id=user_id)
        chunks = render_chunks(reply)
        markup = keyboard_json(reply.buttons)
        if not chunks and markup is not None:
            log.warning("telegram: a reply without text cannot carry its buttons; dropped")
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            params = {
                "chat_id": chat_id,
                "text": chunk,
                "parse_mode": ParseMode.HTML.value,
                "reply_markup": markup if last else None,
            }
            if thread is not None:
                params["message_thread_id"] = int(thread)
            send = partial(_post, bot, "sendMessage", params)
            await self.call("sendMessage", send, chat_id=chat_id, user_id=user_id)
        venue = reply.venue
        if venue is not None:
            params = {
                "chat_id": chat_id,
                "latitude": venue.lat,
                "longitude": venue.lon,
                "title": venue.title,
                "address": venue.address,
            }
            pin = partial(_post, bot, "sendVenue", params)
            await self.call("sendVenue", pin, chat_id=chat_id, user_id=user_id)


async def _post(bot: Bot, method: str, params: dict[str, object]) -> object:
    """One Bot API call with plain JSON parameters; the answer stays JSON.

    ``Bot._post`` is what every ``Bot.send_*`` method calls before turning the answer
    into objects: defaults, error mapping and the request stay PTB's. It is private API
    (PTB is pinned below 23 and the Telegram tests cover this path); the public
    ``do_api_request`` warns on every call for methods PTB knows."""
    return await bot._post(method, params)
