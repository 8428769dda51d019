"""The Zalo Bot Platform API as the channel uses it: a thin client, the sender of plain
texts with errors mapped to outcomes, and the parsing of updates.

Log lines never carry the token (it is part of every URL) or what users wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from bot.channels.zalo_common import (
    ZaloConfigError,
    ZaloSettings,
    split_text,
)
from bot.core.outbound import Outcome, Recipient
from bot.redact import log_id

log = logging.getLogger(__name__)

CHANNEL = "zalo-bot"
TEXT_EVENT = "message.text.received"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/zalo/bot"


class ZaloBotError(Exception):
    """A failed Bot API call: ``status`` is the HTTP status (0 without an answer)."""

    def __init__(self, status: int, code: int, description: str) -> None:
        super().__init__(f"HTTP {status}, error {code}: {description}")
        self.status = status
        self.code = code
        self.description = description

    @property
    def transient(self) -> bool:
        return self.status == 0 or self.status >= 500 or 429 in (self.status, self.code)

    @property
    def blocked(self) -> bool:
        return 403 in (self.status, self.code) or "block" in self.description.lower()

    @property
    def idle(self) -> bool:
        """An empty long poll: not an error at all."""
        return 408 in (self.status, self.code)


class ZaloBotClient:
    """A thin Bot API client: ``POST {base}/bot{token}/{method}`` with a JSON body."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: SecretStr) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token

    async def call(
        self, method: str, params: dict[str, Any] | None = None, wait: float | None = None
    ) -> Any:
        """The ``result`` of one call; raises ``ZaloBotError`` for any failure."""
        url = f"{self._base}/bot{self._token.get_secret_value()}/{method}"
        try:
            kwargs: dict[str, Any] = {} if wait is None else {"timeout": wait}
            response = await self._http.post(url, json=params or {}, **kwargs)
        except httpx.HTTPError as exc:
            # Raised afresh: httpx messages and causes may contain the URL, and so the token.
            raise ZaloBotError(0, 0, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True and response.is_success:
            return body.get("result")
        status = response.status_code
        if isinstance(body, dict):
            code = _int(body.get("error_code"), status)
            description = str(body.get("description") or "")[:200]
        else:
            code, description = status, response.reason_phrase
        raise ZaloBotError(status, code, description)

    async def get_updates(self, seconds: int) -> Any:
        """One update, or None when the ``seconds`` long poll ended idle (HTTP 408)."""
        try:
            return await self.call("getUpdates", {"timeout": seconds}, wait=seconds + 10.0)
        except ZaloBotError as exc:
            if exc.idle:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})


class ZaloBotSender:
    """Plain text to one chat, one attempt per piece, errors as ``Outcome``s.

    Implements the outbox's ``Sender`` protocol (``send``); conversations wrap
    ``send_piece`` in retries. It keeps no state, so the outbox may have its own.
    """

    channel = CHANNEL

    def __init__(
        self, client: ZaloBotClient, *, pause: float = 5.0, owned: httpx.AsyncClient | None = None
    ) -> None:
        self.client = client
        self._pause = pause
        self._owned = owned

    @classmethod
    def create(cls, zalo: ZaloSettings, *, timeout: float = 10.0) -> ZaloBotSender:
        """A sender with its own HTTP client (``close`` it), e.g. for the outbox worker."""
        token, _secret = _check(zalo, webhook=False)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # URLs contain the token
        http = httpx.AsyncClient(timeout=timeout)
        return cls(ZaloBotClient(http, zalo.bot_base_url, token), owned=http)

    async def close(self) -> None:
        if self._owned is not None:
            await self._owned.aclose()

    async def send(self, user: Recipient, text: str) -> Outcome:
        """An announcement to a user's private chat (its id is the user id)."""
        outcome = Outcome.failed("empty text")
        for piece in split_text(text):
            outcome = await self.send_piece(user.user_id, piece)
            if outcome.kind != "sent":
                break  # later pieces would read wrongly without this one
        return outcome

    async def send_piece(self, chat_id: str, text: str) -> Outcome:
        """One ``sendMessage`` of at most 2000 characters."""
        try:
            await self.client.send_message(chat_id, text)
        except ZaloBotError as exc:
            return self._outcome(exc, chat_id)
        return Outcome.sent()

    def _outcome(self, exc: ZaloBotError, chat_id: str) -> Outcome:
        if exc.blocked:
            log.info("zalo-bot: chat %s refuses messages (error %s)", log_id(chat_id), exc.code)
            return Outcome.blocked()
        if 429 in (exc.status, exc.code):
            return Outcome.retry_after(self._pause)
        if 401 in (exc.status, exc.code):
            # A revoked token fails every send alike: pause rather than fail everyone.
            log.error("zalo-bot: the bot token was rejected")
            return Outcome.retry_after(60.0)
        reason = f"error {exc.code}: {exc.description}"
        if exc.transient:
            return Outcome.temporary(reason)
        log.warning("zalo-bot: sendMessage to chat %s failed: %s", log_id(chat_id), reason)
        return Outcome.failed(reason)


@dataclass(frozen=True, slots=True)
class BotEvent:
    """The parts of an update the channel uses; ``text`` is None for non-text messages."""

    event_name: str
    message_id: str
    user_id: str
    chat_id: str
    private: bool
    text: str | None
    display_name: str | None


def parse_update(update: object) -> BotEvent | None:
    """An update (bare or wrapped in ``result``) as a ``BotEvent``; None when malformed."""
    if isinstance(update, dict) and isinstance(update.get("result"), dict):
        update = update["result"]
    if not isinstance(update, dict):
        return None
    message = update.get("message")
    event_name = update.get("event_name")
    if not isinstance(message, dict) or not isinstance(event_name, str):
        return None
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict) or not isinstance(chat, dict):
        return None
    message_id, user_id, chat_id = message.get("message_id"), sender.get("id"), chat.get("id")
    if not all(isinstance(v, str | int) and str(v) for v in (message_id, user_id, chat_id)):
        return None
    text = message.get("text") if event_name == TEXT_EVENT else None
    if event_name == TEXT_EVENT and not isinstance(text, str):
        return None
    name = sender.get("display_name")
    return BotEvent(
        event_name=event_name,
        message_id=str(message_id),
        user_id=str(user_id),
        chat_id=str(chat_id),
        private=str(chat.get("chat_type", "PRIVATE")).upper() == "PRIVATE",
        text=text,
        display_name=name if isinstance(name, str) else None,
    )


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


def _check(zalo: ZaloSettings, webhook: bool) -> tuple[SecretStr, str]:
    if zalo.bot_token is None or not zalo.bot_token.get_secret_value():
        raise ZaloConfigError("TOURBOT_ZALO_BOT_TOKEN is not set")
    if not webhook:
        return zalo.bot_token, ""
    secret = zalo.bot_webhook_secret.get_secret_value() if zalo.bot_webhook_secret else ""
    if not 8 <= len(secret) <= 256:
        raise ZaloConfigError("webhook mode needs TOURBOT_ZALO_BOT_WEBHOOK_SECRET (8-256 chars)")
    return zalo.bot_token, secret
