"""Telegram channel: python-telegram-bot handlers between Telegram updates and the core.

Updates become ``Inbound`` messages at this edge and ``Reply`` objects are rendered back
(``telegram_render``) and sent under one error policy (``telegram_send``). Replies to a
button press are sent as new messages rather than edits: an edit fails on old or
deleted messages and cannot carry a venue, while a new message always works.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    Updater,
    filters,
)

from bot.channels.registry import ChannelConfigError, Serving
from bot.channels.telegram_handlers import TelegramApp, TelegramChannel
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_inbox import DurableQueue
from bot.channels.telegram_order import ChatOrderedProcessor
from bot.channels.telegram_send import ReplySender, RetryPolicy
from bot.channels.webhook_server import WebhookLimits, check_secret, refuse, serve_webhook
from bot.config import Settings
from bot.core.outbound import Sender
from bot.core.ports import Conversation
from bot.store.db import Db
from bot.store.inbox import TelegramInbox

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

CHANNEL = "telegram"
ALLOWED_UPDATES = ("message", "callback_query", "inline_query")
INLINE_LIMIT = 10
INLINE_CACHE_SECONDS = 30
# Long-poll length: an idle bot asks twice a minute; queued updates return at once.
POLL_TIMEOUT = dt.timedelta(seconds=30)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PROFILE_LANGS = ("vi", "en")


# Messages the bot cannot read but a visitor may send it; service messages (a member
# joined, a pinned message) are not among them and get no answer.
UNREADABLE = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


class TelegramConfigError(ChannelConfigError):
    """The settings do not allow starting the Telegram channel."""


@dataclass(frozen=True, slots=True)
class TelegramTuning:
    """Knobs with production defaults; tests and the benchmark change them.

    ``max_concurrent_updates=1`` processes strictly one update at a time (the baseline).
    ``connections`` caps Bot API requests in flight and sizes the HTTP pool: 64 at a
    ~100 ms round trip carry ~600 requests/s, far above Telegram's ~30 messages/s bulk
    limit. ``http`` picks the transport: aiohttp (``telegram_http``, a quarter of the CPU
    per call) or PTB's default httpx, with which keep ``connections`` small: httpcore
    scans every pooled connection, a syscall each, whenever a request starts or ends.
    """

    max_concurrent_updates: int = 128
    connections: int = 64
    http: Literal["aiohttp", "httpx"] = "aiohttp"
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    read_timeout: float = 10.0
    # Pause after each getUpdates answer, so that updates arriving meanwhile come in one
    # batch: at a steady inflow a long poll returns with one or two updates, and a poll
    # costs about as much CPU as handling an update. Adds at most this much latency:
    # with the core in its own process, 5 ms gave a lower p99 at 300 updates/s than
    # 20 ms (batches wait longer) or none (bench/telegram_e2e.py).
    poll_interval: float = 0.005


def file_base_url(base_url: str) -> str:
    """``https://api.telegram.org/bot`` → ``https://api.telegram.org/file/bot``."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/file/bot"


def build_application(
    settings: Settings,
    conversation: Conversation,
    tuning: TelegramTuning | None = None,
    inbox: TelegramInbox | None = None,
) -> TelegramApp:
    """The PTB application wired to ``conversation``; nothing touches the network yet.

    One ``MessageHandler`` takes all text, commands included: the core parses commands,
    and ``command_text`` drops ``/cmd@otherbot`` for every command alike. Updates of one
    chat are handled in order, chats concurrently (``ChatOrderedProcessor``). With an
    ``inbox``, updates are stored until handled (``telegram_inbox``: a crash loses none).
    """
    tuning = tuning or TelegramTuning()
    if settings.telegram_token is None:
        raise TelegramConfigError("TELEGRAM_BOT_TOKEN is not set")
    retry = dataclasses.replace(tuning.retry, retry_seconds=settings.reply_retry_seconds)
    sender = ReplySender(conversation, retry, tuning.connections)
    channel = TelegramChannel(conversation, sender, settings.default_lang)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(file_base_url(settings.telegram_base_url))
        .post_init(channel.set_up_profile)
    )
    if tuning.http == "aiohttp":
        builder = builder.request(
            AiohttpRequest(tuning.connections, read_timeout=tuning.read_timeout)
        ).get_updates_request(AiohttpRequest(1))
    else:
        # httpx logs every request URL at INFO level, and Bot API URLs contain the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        builder = builder.read_timeout(tuning.read_timeout).connection_pool_size(tuning.connections)
    if tuning.max_concurrent_updates > 1:
        # Only this processor reports updates handled: without it nothing is stored.
        done = None
        if inbox is not None:
            queue = DurableQueue(inbox)
            builder = builder.update_queue(queue)
            done = queue.handled
        processor = ChatOrderedProcessor(tuning.max_concurrent_updates, on_done=done)
        builder = builder.concurrent_updates(processor)
    app: TelegramApp = builder.build()
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, channel.on_text))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, channel.on_location)
    )
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.CAPTION, channel.on_caption)
    )
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & UNREADABLE, channel.on_unreadable))
    app.add_handler(CallbackQueryHandler(channel.on_callback))
    app.add_handler(InlineQueryHandler(channel.on_inline))
    app.add_error_handler(channel.on_error)
    return app


def webhook_config(settings: Settings) -> tuple[str, str, str]:
    """(public URL, local path, secret); refuses to run a webhook anyone could post to."""
    url = settings.telegram_webhook_url
    if not url:
        raise TelegramConfigError("webhook mode needs TOURBOT_TELEGRAM_WEBHOOK_URL")
    secret = settings.telegram_webhook_secret
    value = secret.get_secret_value() if secret is not None else ""
    if not value:
        raise TelegramConfigError("webhook mode needs TOURBOT_TELEGRAM_WEBHOOK_SECRET")
    allowed = value.replace("_", "").replace("-", "")
    if len(value) > 256 or not (allowed.isascii() and allowed.isalnum()):
        raise TelegramConfigError("the webhook secret must be 1-256 of A-Z a-z 0-9 _ -")
    return url, urlsplit(url).path.lstrip("/"), value


def _updater(app: TelegramApp) -> Updater:
    if app.updater is None:
        raise TelegramConfigError("the application was built without an updater")
    return app.updater


async def _until(stop: asyncio.Event | None) -> None:
    if stop is None:
        await asyncio.Future()  # until cancelled
    else:
        await stop.wait()


@contextlib.asynccontextmanager
async def _started(app: TelegramApp) -> AsyncIterator[None]:
    """PTB's embedding sequence: initialise, ``post_init``, start; updates stored before
    a crash are queued first; on the way out, stop (letting handlers in progress finish)
    and record what was handled."""
    queue = app.update_queue if isinstance(app.update_queue, DurableQueue) else None
    async with app:
        if app.post_init is not None:  # PTB calls it only from its own run_* helpers
            await app.post_init(app)
        await app.start()
        try:
            if queue is not None:
                await queue.replay(app.bot)  # before anything new: they came first
            yield
        finally:
            await app.stop()
            if queue is not None:
                await queue.close()


async def _run(
    app: TelegramApp,
    start_updates: Callable[[Updater], Awaitable[object]],
    stop: asyncio.Event | None,
) -> None:
    """``start_updates`` inside ``_started``; a stop or a cancellation stops the updates
    first, then lets the handlers in progress finish."""
    updater = _updater(app)
    async with _started(app):
        await start_updates(updater)
        try:
            await _until(stop)
        finally:
            await updater.stop()


async def run_polling(
    app: TelegramApp, stop: asyncio.Event | None = None, poll_interval: float = 0.0
) -> None:
    """Poll for updates until ``stop`` is set (or the task is cancelled), then stop cleanly."""
    start = partial(
        Updater.start_polling,
        timeout=POLL_TIMEOUT,
        allowed_updates=list(ALLOWED_UPDATES),
        poll_interval=poll_interval,
    )
    await _run(app, start, stop)


async def run_webhook(
    app: TelegramApp,
    settings: Settings,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve the webhook and register it with Telegram; run until ``stop`` or cancellation.

    Our own aiohttp server (``webhook_server``) rather than PTB's tornado one, which reads
    a whole body (up to 100 MB) before it checks the secret and never closes idle
    connections. Updates go to PTB's ``update_queue``; ``on_ready`` gets the bound port.
    """
    url, path, secret = webhook_config(settings)
    limits = WebhookLimits.from_settings(settings)

    async def on_update(request: web.Request) -> web.Response:
        refused = check_secret(request, SECRET_HEADER, secret)  # before reading the body
        if refused is not None:
            return refused
        if request.content_type != "application/json":
            return refuse(415, "application/json expected")
        try:
            update = Update.de_json(json.loads(await request.read()), app.bot)
        except (ValueError, TypeError, KeyError):
            return refuse(400, "not an update")
        if update is None:
            return refuse(400, "not an update")
        await app.update_queue.put(update)
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=limits.max_body)
    web_app.router.add_post("/" + path, on_update)
    async with _started(app):
        server = await serve_webhook(
            web_app, settings.webhook_listen, settings.webhook_port, limits
        )
        try:
            await app.bot.set_webhook(
                url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
            )
            if on_ready is not None:
                on_ready(server.port)
            await _until(stop)
        finally:
            await server.close()


async def serve(
    settings: Settings,
    conversation: Conversation,
    webhook: bool,
    stop: asyncio.Event,
    tuning: TelegramTuning | None = None,
    inbox: TelegramInbox | None = None,
) -> None:
    """Run the Telegram channel until ``stop`` is set (the CLI entry point)."""
    if webhook:
        webhook_config(settings)  # fail before touching the network
    tuning = tuning or TelegramTuning()
    app = build_application(settings, conversation, tuning, inbox)
    if webhook:
        await run_webhook(app, settings, stop)
    else:
        await run_polling(app, stop, tuning.poll_interval)


def make_sender(settings: Settings, db: Db) -> Sender:
    """Announcements go out through their own ``Bot``, paced by the outbox worker."""
    from bot.broadcast.config import BroadcastSettings
    from bot.channels.telegram_outbox import TelegramSender

    config = BroadcastSettings()
    return TelegramSender(settings, concurrency=config.concurrency, timeout=config.send_timeout)


async def serve_channel(ctx: Serving, sender: Sender, stop: asyncio.Event) -> None:
    """The registry's entry point (replies use the application's own ``Bot``)."""
    await serve(ctx.settings, ctx.conversation, ctx.webhook, stop, inbox=TelegramInbox(ctx.db))
