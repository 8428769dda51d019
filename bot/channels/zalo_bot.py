"""Zalo Bot Platform channel: long polling or a webhook, text in, plain text out.

The platform is Telegram-like but poorer: ``getUpdates`` returns one update and takes no
offset (so handled ``message_id``s are remembered in the database), and there are no
buttons (so a reply's buttons become a numbered list, and "2" maps back to a payload).
Log lines never carry the token (it is part of every URL) or what users wrote.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import httpx
from aiohttp import web

from bot.channels.plain import render_numbered
from bot.channels.queued import QueuedChannel, Target
from bot.channels.registry import Serving
from bot.channels.webhook_server import WebhookLimits, serve_webhook
from bot.channels.zalo_bot_api import (
    CHANNEL,
    SECRET_HEADER,
    WEBHOOK_PATH,
    BotEvent,
    ZaloBotClient,
    ZaloBotError,
    ZaloBotSender,
    _check,
    parse_update,
)
from bot.channels.zalo_common import (
    Backoff,
    ZaloSettings,
    sleep_or_stop,
    split_text,
    until_stopped,
    webhook_path,
    with_retries,
)
from bot.config import Settings
from bot.core.models import Inbound, Reply
from bot.core.outbound import Outcome, Sender
from bot.core.ports import Conversation
from bot.redact import install_redaction, log_id
from bot.store.db import Db

log = logging.getLogger(__name__)


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


class ZaloBotChannel(QueuedChannel):
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
        self._tuning = tuning or BotTuning()
        super().__init__(conversation, db, default_lang, self._tuning, clock)
        self._client = client
        self.sender = ZaloBotSender(client)

    # -- inbound ------------------------------------------------------------------------

    async def accept(self, update: object) -> bool:
        """Queue an update for its user unless malformed or already seen; never raises."""
        try:
            event = parse_update(update)
            if event is None:
                log.warning("zalo-bot: malformed update ignored")
                return False
            body = json.dumps(update, ensure_ascii=False)
            if not await self.first_time(event.message_id, body):
                log.info("zalo-bot: duplicate message %s ignored", event.message_id)
                return False
        except Exception:
            log.exception("zalo-bot: could not accept an update")
            return False
        self.submit(event.user_id, partial(self._handle, event), event.message_id)
        return True

    def resume(self, key: str, body: str) -> bool:
        try:
            event = parse_update(json.loads(body))
        except ValueError:
            event = None
        if event is None:
            return False
        self.submit(event.user_id, partial(self._handle, event), key)
        return True

    async def _handle(self, event: BotEvent) -> None:
        target = Target(event.chat_id, event.user_id, event.private)
        if event.text is None:
            await self.text_only(target)
            return
        payload = await self.picked(event.user_id, event.text)
        inbound = Inbound(
            channel=CHANNEL,
            user_id=event.user_id,
            chat_id=event.chat_id,
            text=None if payload is not None else event.text,
            payload=payload,
            display_name=event.display_name,
        )
        await self.converse(target, inbound)

    # -- outbound -----------------------------------------------------------------------

    async def deliver(self, target: Target, replies: Sequence[Reply]) -> Outcome:
        """Send the replies of one turn, remembering what each number stands for."""
        if not replies:
            return Outcome.sent()
        texts, payloads = render_numbered(replies)
        await self.remember_options(target.user_id, payloads)
        return await self.send_texts(target, texts)

    async def send_text(self, user_id: str, text: str) -> Outcome:
        """Plain text to a user's private chat, with the conversation's retries."""
        return await self.send_texts(Target(user_id, user_id), [text])

    async def send_texts(self, target: Target, texts: Sequence[str]) -> Outcome:
        outcome = Outcome.failed("empty text")
        for piece in (piece for text in texts for piece in split_text(text)):
            outcome = await with_retries(
                partial(self.sender.send_piece, target.chat_id, piece),
                self._tuning.send,
                self._tuning.rate_limit,
            )
            await self.gone(target, outcome)
            if outcome.kind != "sent":
                if outcome.kind != "blocked":
                    log.warning(
                        "zalo-bot: reply to chat %s not sent: %s",
                        log_id(target.chat_id),
                        outcome.reason,
                    )
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
            await channel.recover()  # updates accepted before a crash, first
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
    path = webhook_path(zalo.bot_webhook_url, WEBHOOK_PATH)
    server = await serve_webhook(
        channel.webhook_app(secret, path), zalo.webhook_listen, zalo.webhook_port, limits
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


def make_sender(settings: Settings, db: Db) -> Sender:
    """Announcements get a sender with its own HTTP client."""
    return ZaloBotSender.create(ZaloSettings())


async def serve_channel(ctx: Serving, sender: Sender, stop: asyncio.Event) -> None:
    """The registry's entry point."""
    await serve_zalo_bot(ctx.settings, ZaloSettings(), ctx.conversation, ctx.db, ctx.webhook, stop)
