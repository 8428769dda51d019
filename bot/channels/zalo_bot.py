"""Zalo Bot Platform channel: long polling or a webhook, text in, plain text out.

The platform is Telegram-like but poorer: ``getUpdates`` returns one update and takes no
offset (so handled ``message_id``s are remembered in the database), and there are no
buttons (so a reply's buttons become a numbered list, and "2" maps back to a payload).
Log lines never carry the token (it is part of every URL) or what users wrote.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from aiohttp import web
from pydantic import SecretStr

from bot.broadcast.sender import Outcome, Recipient
from bot.channels.webhook_server import WebhookLimits, serve_webhook
from bot.channels.zalo_common import (
    Backoff,
    UserQueues,
    ZaloConfigError,
    ZaloSettings,
    pick_option,
    render_numbered,
    sleep_or_stop,
    split_text,
    until_stopped,
    with_retries,
)
from bot.config import Settings
from bot.core.models import Inbound, Reply
from bot.core.ports import Conversation
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.redact import install_redaction
from bot.store.db import Db
from bot.store.users import Users
from bot.store.zalo import NumberedOptions, SeenMessages

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
            log.info("zalo-bot: chat %s refuses messages (error %s)", chat_id, exc.code)
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
        log.warning("zalo-bot: sendMessage to chat %s failed: %s", chat_id, reason)
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


@dataclass(frozen=True, slots=True)
class BotTuning:
    """Knobs with production defaults; tests shorten them."""

    poll_timeout: int = 30
    send: Backoff = field(default_factory=Backoff)
    rate_limit: Backoff = field(default_factory=lambda: Backoff(attempts=3, base=2.0))
    # Polling never gives up (``attempts`` is unused); waits grow from 1 s to a minute.
    poll_errors: Backoff = field(default_factory=lambda: Backoff(attempts=0, base=1.0, cap=60.0))
    # Seconds at least between the starts of two polls when the first came back empty
    # before its long poll was over (an instant 408): without it the loop spins.
    min_poll_gap: float = 1.0
    options_ttl: float = 24 * 3600.0  # a number older than this is just text
    seen_window: float = 7 * 24 * 3600.0
    prune_every: int = 500
    drain_timeout: float = 5.0


class ZaloBotChannel:
    """Updates in (from polling or the webhook), the core's replies out."""

    channel = CHANNEL

    def __init__(
        self,
        client: ZaloBotClient,
        conversation: Conversation,
        db: Db,
        default_lang: str,
        tuning: BotTuning | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self.sender = ZaloBotSender(client)
        self._conversation = conversation
        self._users = Users(db)
        self._seen = SeenMessages(db)
        self._options = NumberedOptions(db)
        self._default_lang = default_lang
        self._tuning = tuning or BotTuning()
        self._clock = clock
        self._queues = UserQueues()
        self._accepted = 0

    # -- inbound ------------------------------------------------------------------------

    async def accept(self, update: object) -> bool:
        """Queue an update for its user unless malformed or already seen; never raises."""
        try:
            event = parse_update(update)
            if event is None:
                log.warning("zalo-bot: malformed update ignored")
                return False
            now = self._clock()
            if not await self._seen.add(CHANNEL, event.message_id, now):
                log.info("zalo-bot: duplicate message %s ignored", event.message_id)
                return False
            self._accepted += 1
            if self._accepted % self._tuning.prune_every == 1:
                await self._seen.prune(CHANNEL, now - self._tuning.seen_window)
        except Exception:
            log.exception("zalo-bot: could not accept an update")
            return False
        self._queues.submit(event.user_id, partial(self._handle, event))
        return True

    async def _handle(self, event: BotEvent) -> None:
        if event.text is None:
            with use_lang(await self._lang(event.user_id)):
                notice = _("Sorry, I can only read text messages. Please type your question.")
            await self._send_texts(event.chat_id, event.user_id, event.private, [notice])
            return
        since = self._clock() - self._tuning.options_ttl
        payload = pick_option(event.text, await self._options.load(CHANNEL, event.user_id, since))
        inbound = Inbound(
            channel=CHANNEL,
            user_id=event.user_id,
            chat_id=event.chat_id,
            text=None if payload is not None else event.text,
            payload=payload,
            display_name=event.display_name,
        )
        try:
            replies = await self._conversation.handle(inbound)
        except Exception:
            log.exception("zalo-bot: message %s failed", event.message_id)
            with use_lang(await self._lang(event.user_id)):
                sorry = _("Sorry, something went wrong. Please try again.")
            await self._send_texts(event.chat_id, event.user_id, event.private, [sorry])
            return
        await self.deliver(event.chat_id, event.user_id, replies, private=event.private)

    async def _lang(self, user_id: str) -> str:
        user = await self._users.get(CHANNEL, user_id)
        return (user.lang if user else None) or self._default_lang

    # -- outbound -----------------------------------------------------------------------

    async def deliver(
        self, chat_id: str, user_id: str, replies: Sequence[Reply], private: bool = True
    ) -> Outcome:
        """Send the replies of one turn, remembering what each number stands for."""
        if not replies:
            return Outcome.sent()
        texts, payloads = render_numbered(replies)
        # Saved before sending, so a quick "1" already finds its option.
        await self._options.save(CHANNEL, user_id, payloads, self._clock())
        return await self._send_texts(chat_id, user_id, private, texts)

    async def send_text(self, user_id: str, text: str) -> Outcome:
        """Plain text to a user's private chat, with the conversation's retries."""
        return await self._send_texts(user_id, user_id, True, [text])

    async def _send_texts(
        self, chat_id: str, user_id: str, private: bool, texts: Sequence[str]
    ) -> Outcome:
        outcome = Outcome.failed("empty text")
        for piece in (piece for text in texts for piece in split_text(text)):
            outcome = await with_retries(
                partial(self.sender.send_piece, chat_id, piece),
                self._tuning.send,
                self._tuning.rate_limit,
            )
            if outcome.kind == "blocked" and private:
                # Only a private chat is the user; a group says nothing about them.
                await self._conversation.mark_blocked(CHANNEL, user_id)
            if outcome.kind != "sent":
                if outcome.kind != "blocked":
                    log.warning("zalo-bot: reply to chat %s not sent: %s", chat_id, outcome.reason)
                break  # later pieces would read wrongly without this one
        return outcome

    # -- running ------------------------------------------------------------------------

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll ``getUpdates`` until ``stop``; errors back off, never end the loop."""
        failures = 0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            started = loop.time()
            try:
                finished, update = await until_stopped(
                    self._client.get_updates(self._tuning.poll_timeout), stop
                )
            except Exception as exc:  # the loop outlives any failure, backing off
                failures += 1
                delay = self._tuning.poll_errors.delay(failures)
                reason = (
                    f"{exc.code} {exc.description}"
                    if isinstance(exc, ZaloBotError)
                    else type(exc).__name__
                )
                log.warning("zalo-bot: getUpdates failed (%s); retrying in %.1f s", reason, delay)
                await sleep_or_stop(delay, stop)
                continue
            if not finished:
                break
            failures = 0
            if not update:  # empty: idle (408), or an odd answer
                elapsed = loop.time() - started
                if elapsed < self._tuning.poll_timeout:  # not a completed long poll
                    await sleep_or_stop(self._tuning.min_poll_gap - elapsed, stop)
                continue
            # One update per call is documented; a list costs nothing to accept as well.
            for item in update if isinstance(update, list) else [update]:
                if item is not None:
                    await self.accept(item)

    def webhook_app(self, secret: str, path: str = WEBHOOK_PATH) -> web.Application:
        """An aiohttp app taking updates at ``path``; 403 without the right secret header."""
        expected = secret.encode()

        async def on_update(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "").encode()
            if not hmac.compare_digest(given, expected):
                return web.json_response({"ok": False}, status=403)
            try:
                update = await request.json()
            except ValueError:
                return web.json_response({"ok": False}, status=400)
            await self.accept(update)
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post(path, on_update)
        return app

    async def drain(self) -> None:
        await self._queues.drain(self._tuning.drain_timeout)


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


async def serve_zalo_bot(
    settings: Settings,
    zalo: ZaloSettings,
    conversation: Conversation,
    db: Db,
    webhook: bool,
    stop: asyncio.Event,
    *,
    tuning: BotTuning | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Run the Zalo Bot channel until ``stop`` is set (the CLI entry point).

    Webhook mode listens on ``TOURBOT_ZALO_WEBHOOK_LISTEN``/``_PORT`` at ``/zalo/bot`` and
    registers ``TOURBOT_ZALO_BOT_WEBHOOK_URL`` when set; ``on_ready`` gets the bound port.
    """
    token, secret = _check(zalo, webhook)
    install_redaction(settings, zalo)  # both Zalo tokens out of every log line
    tuning = tuning or BotTuning()
    # httpx logs every request URL at INFO level, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with httpx.AsyncClient(timeout=httpx.Timeout(15.0)) as http:
        client = ZaloBotClient(http, zalo.bot_base_url, token)
        channel = ZaloBotChannel(client, conversation, db, settings.default_lang, tuning)
        try:
            if webhook:
                limits = WebhookLimits.from_settings(settings)
                await _serve_webhook(channel, client, zalo, secret, stop, on_ready, limits)
            else:
                try:
                    # As on Telegram, a registered webhook would take the updates (UNVERIFIED).
                    await client.call("deleteWebhook")
                except ZaloBotError as exc:
                    log.warning("zalo-bot: deleteWebhook failed: %s", exc.code)
                if on_ready is not None:
                    on_ready(0)
                await channel.poll(stop)
        finally:
            await channel.drain()


async def _serve_webhook(
    channel: ZaloBotChannel,
    client: ZaloBotClient,
    zalo: ZaloSettings,
    secret: str,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None,
    limits: WebhookLimits,
) -> None:
    server = await serve_webhook(
        channel.webhook_app(secret), zalo.webhook_listen, zalo.webhook_port, limits
    )
    port = server.port
    try:
        if zalo.bot_webhook_url:
            await client.call("setWebhook", {"url": zalo.bot_webhook_url, "secret_token": secret})
        log.info("zalo-bot: webhook listening on port %d", port)
        if on_ready is not None:
            on_ready(port)
        await stop.wait()
    finally:
        await server.close()
