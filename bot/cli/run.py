"""``tourbot run``: serve the messenger channels (any combination) in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from bot import service
from bot.channels.registry import CHANNELS as REGISTERED
from bot.channels.registry import Serving, channel_module
from bot.cli.errors import UsageError
from bot.config import Settings
from bot.core.outbound import Sender

if TYPE_CHECKING:
    from bot.app import App
    from bot.coreproc.supervisor import CoreProcess
    from bot.handoff.relay import Relay

log = logging.getLogger(__name__)

CHANNELS = tuple(REGISTERED)


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register ``run``."""
    run = sub.add_parser("run", help="serve Telegram and/or Zalo")
    run.add_argument(
        "--channel",
        default="telegram",
        help=f"comma-separated channels among {', '.join(CHANNELS)} (default: telegram)",
    )
    run.add_argument(
        "--webhook",
        nargs="?",
        const="all",
        default="",
        metavar="CHANNELS",
        help="webhook mode instead of polling: for every channel served, or for the"
        " comma-separated ones named (the others poll; Zalo OA is always a webhook)",
    )
    run.set_defaults(handler="bot.cli.run:run_command")


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    """``tourbot run``: serve the channels until SIGINT/SIGTERM."""
    channels = [c.strip() for c in args.channel.split(",") if c.strip()]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        names = ", ".join(unknown) or "(none)"
        raise UsageError(f"unknown channel(s) {names}; choose among {', '.join(CHANNELS)}")
    hooks = {c.strip() for c in args.webhook.split(",") if c.strip()}
    if "all" in hooks:
        hooks = set(channels)
    if hooks - set(channels):
        names = ", ".join(sorted(hooks - set(channels)))
        raise UsageError(f"--webhook names channel(s) not served: {names}")
    return service.run(serve(settings, channels, hooks))


async def _reload(app: App, core: CoreProcess | None) -> None:
    """Validate content/ once, then serve it: the core process first, since it owns the
    search index in the shared database; this process then swaps its pack (announcements
    and reminders read it), and re-indexes only when it answers itself."""
    from bot.content.loader import ContentError, require_content

    try:
        pack = require_content(app.settings.content_dir)
    except ContentError as exc:
        for problem in exc.problems:
            log.error("content not reloaded: %s", problem)
        return
    if core is not None:
        try:
            await core.reload_content(pack)
        except Exception:
            log.exception("content not reloaded: the core process failed")
            return
        log.info("content reloaded in the core process: %d items", len(pack.items))
    await app.reload_content(pack)
    log.info("content reloaded: %d items", len(pack.items))


async def _closing(sender: Sender, stop: asyncio.Event) -> None:
    """Close ``sender`` when serving stops (no outbox owns it)."""
    try:
        await stop.wait()
    finally:
        await sender.close()


def _background(app: App, senders: list[Sender], channels: list[str]) -> list[Runnable]:
    """What runs beside the channels until ``stop``."""
    works: list[Runnable] = []
    if app.broadcasting is not None:
        works.append(app.broadcasting)
    relay = _handoff_relay(app, senders, channels)
    if relay is not None:
        works.append(relay)
    return works


class Runnable(Protocol):
    async def run(self, stop: asyncio.Event) -> None: ...


def _handoff_relay(app: App, senders: list[Sender], channels: list[str]) -> Relay | None:
    """The relay of conversations handed to staff, when a staff chat is set."""
    settings = app.settings
    if settings.staff_chat_id is None or app.broadcasting is None:
        return None
    from bot.channels.telegram_desk import TelegramDesk
    from bot.handoff.relay import Relay
    from bot.store.handoffs import Handoffs

    desk = None
    if settings.telegram_token is not None and "telegram" in channels:
        desk = TelegramDesk(settings)
        app.broadcasting.on_close(desk.close)
    else:
        # Staff write from Telegram: without it their replies cannot come in.
        log.warning("TOURBOT_STAFF_CHAT_ID is set but Telegram is not served: no staff chat")
    by_channel = {sender.channel: sender for sender in senders}
    quiet = settings.handoff_quiet_minutes * 60.0
    return Relay(Handoffs(app.broadcasting.db), desk, by_channel, settings.default_lang, quiet)


async def serve(settings: Settings, channels: list[str], webhooks: set[str] | bool) -> int:
    """Build the app once and run every requested channel until SIGINT/SIGTERM."""
    from bot.app import build_app
    from bot.channels.restart import keep_serving  # aiohttp: not for `tourbot ask`
    from bot.core.ports import Conversation
    from bot.coreproc.supervisor import CoreProcess

    # This process keeps the database, the content and the announcements worker (the
    # Zalo channels use its connection; reminders read the pack). With a core process it
    # builds no search index: the core answers. Messages go to ``conversation``.
    app = await build_app(settings, answering=not settings.core_process)
    core: CoreProcess | None = None
    senders: list[Sender] = []
    try:
        # Senders first: a missing token fails here, before a core process starts.
        for name in channels:
            senders.append(channel_module(name).make_sender(settings, app.db))
        if settings.core_process:
            core = await CoreProcess.start(settings, app.pack)
            conversation: Conversation = core
        else:
            assert app.conversation is not None  # built with answering=True
            conversation = app.conversation
    except BaseException:
        for made in senders:
            await made.close()
        await app.close()
        raise
    service.settle_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # SIGHUP reloads content/ without a restart; broken content keeps the last good pack.
    loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(_reload(app, core)))
    if isinstance(webhooks, bool):  # all channels or none
        webhooks = set(channels) if webhooks else set()
    try:
        async with asyncio.TaskGroup() as group:
            for name, sender in zip(channels, senders, strict=True):
                if app.broadcasting is not None:
                    app.broadcasting.add_sender(sender, close=sender.close)
                else:
                    group.create_task(_closing(sender, stop))
                # A failing channel is started again, backing off; the others go on.
                ctx = Serving(settings, conversation, app.db, name in webhooks)
                serve_one = partial(channel_module(name).serve_channel, ctx, sender, stop)
                group.create_task(keep_serving(name, serve_one, stop))
            # Announcements and reminders (including those written by the CLI), and the
            # messages of conversations handed to staff.
            for work in _background(app, senders, channels):
                group.create_task(work.run(stop))
            log.info("serving %s", ", ".join(channels))
    finally:
        try:
            if core is not None:
                await core.close()
        finally:
            await app.close()
    return 0
