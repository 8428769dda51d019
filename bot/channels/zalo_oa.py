"""Zalo Official Account channel (Open API v3): a signed webhook in, consultation
messages out, with buttons (at most five, the rest as numbered options).

The webhook answers at once and works in the background (Zalo waits about 2 s), in
arrival order per user. Log lines never carry tokens, keys or what users wrote.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from aiohttp import web

from bot.channels.plain import payload_buttons, render_text
from bot.channels.queued import QueuedChannel, Target
from bot.channels.registry import Serving
from bot.channels.webhook_server import WebhookLimits, serve_webhook
from bot.channels.zalo_common import (
    ZaloSettings,
    split_text,
    webhook_path,
)
from bot.channels.zalo_oa_api import (
    CHANNEL,
    MAX_BUTTONS,
    SIGNATURE_HEADER,
    WEBHOOK_PATH,
    OaEvent,
    OaTuning,
    ZaloOaSender,
    _credentials,
    button_payload,
    buttons_attachment,
    parse_event,
    signature,
)
from bot.config import Settings
from bot.core.models import Inbound, Reply
from bot.core.outbound import Outcome, Sender
from bot.core.ports import Conversation
from bot.redact import install_redaction
from bot.store.db import Db
from bot.store.zalo import OaInteractions

log = logging.getLogger(__name__)


class ZaloOaChannel(QueuedChannel):
    """Webhook events in, the core's replies out through a ``ZaloOaSender``."""

    channel = CHANNEL

    def __init__(
        self,
        zalo: ZaloSettings,
        sender: ZaloOaSender,
        conversation: Conversation,
        db: Db,
        default_lang: str,
        tuning: OaTuning | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tuning = tuning or OaTuning()
        super().__init__(conversation, db, default_lang, self._tuning, clock)
        self._app_id, self._secret = _credentials(zalo)
        self.sender = sender
        self._interactions = OaInteractions(db)

    # -- webhook ------------------------------------------------------------------------

    def webhook_app(self, path: str = WEBHOOK_PATH) -> web.Application:
        app = web.Application()
        app.router.add_post(path, self._on_webhook)
        return app

    async def _on_webhook(self, request: web.Request) -> web.Response:
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not header.startswith("mac="):
            return _status(403, "missing signature")
        raw = await request.read()
        try:
            body = json.loads(raw)
            timestamp = str(body["timestamp"])
            sent_at = float(timestamp) / 1000.0
        except (ValueError, KeyError, TypeError):
            return _status(400, "bad body")
        expected = signature(self._app_id, raw, timestamp, self._secret.get_secret_value())
        if not hmac.compare_digest(header[4:].strip().lower().encode(), expected.encode()):
            return _status(403, "bad signature")
        if abs(self._clock() - sent_at) > self._tuning.replay_window:
            return _status(403, "stale timestamp")
        event = parse_event(body) if isinstance(body, dict) else None
        if event is None:
            return _status(200, "ignored")
        message = body.get("message")
        msg_id = message.get("msg_id") if isinstance(message, dict) else None
        key = f"msg:{msg_id}" if msg_id else "event:" + hashlib.sha256(raw).hexdigest()
        # A replay with a valid signature is dropped but answered 200: it may be Zalo
        # redelivering after a slow answer, and an error would make it try again.
        if not await self.first_time(key, raw.decode("utf-8", "replace")):
            return _status(200, "duplicate")
        self.submit(event.user_id, partial(self._process, event), key)
        return _status(200, "ok")

    def resume(self, key: str, body: str) -> bool:
        try:
            data = json.loads(body)
        except ValueError:
            return False
        event = parse_event(data) if isinstance(data, dict) else None
        if event is None:
            return False
        self.submit(event.user_id, partial(self._process, event), key)
        return True

    async def _process(self, event: OaEvent) -> None:
        uid = event.user_id
        target = Target(uid, uid)
        if event.kind == "unfollow":
            await self._conversation.mark_blocked(CHANNEL, uid)
            await self.remember_options(uid, [])
            return
        await self._interactions.touch(uid, self._clock())
        if event.kind == "unsupported":
            await self.text_only(target)
            return
        inbound = Inbound(CHANNEL, uid, uid, location=event.location)
        if event.kind == "follow":
            inbound = Inbound(CHANNEL, uid, uid, text="/start")
        elif event.kind == "text":
            payload = button_payload(event.text) or await self.picked(uid, event.text)
            text = None if payload is not None else event.text
            inbound = Inbound(CHANNEL, uid, uid, text=text, payload=payload)
        await self.converse(target, inbound)

    # -- replies ------------------------------------------------------------------------

    async def deliver(self, target: Target, replies: Sequence[Reply]) -> Outcome:
        """Send the replies of one turn: up to five buttons each, the rest numbered."""
        if not replies:
            return Outcome.sent()
        messages: list[dict[str, Any]] = []
        numbered: list[str] = []
        for reply in replies:
            options = payload_buttons(reply)
            shown, folded = options[:MAX_BUTTONS], options[MAX_BUTTONS:]
            pieces = split_text(render_text(reply, folded, start=len(numbered) + 1))
            numbered += [b.payload for b in folded if b.payload]
            for index, piece in enumerate(pieces):
                message: dict[str, Any] = {"text": piece}
                if shown and index == len(pieces) - 1:
                    message["attachment"] = buttons_attachment(shown)
                messages.append(message)
        await self.remember_options(target.user_id, numbered)
        return await self._send(target, messages)

    async def send_texts(self, target: Target, texts: Sequence[str]) -> Outcome:
        return await self._send(target, [{"text": text} for text in texts])

    async def _send(self, target: Target, messages: Sequence[dict[str, Any]]) -> Outcome:
        outcome = await self.sender.send_messages(target.user_id, messages)
        await self.gone(target, outcome)  # -213: no longer a follower
        return outcome


def _status(code: int, status: str) -> web.Response:
    return web.json_response({"status": status}, status=code)


async def serve_zalo_oa(
    settings: Settings,
    zalo: ZaloSettings,
    conversation: Conversation,
    db: Db,
    stop: asyncio.Event,
    *,
    sender: ZaloOaSender | None = None,
    tuning: OaTuning | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve the OA webhook at ``/zalo/oa`` on ``TOURBOT_ZALO_WEBHOOK_LISTEN`` and
    ``TOURBOT_ZALO_OA_WEBHOOK_PORT`` until ``stop`` (the CLI entry point).

    Pass the ``sender`` the outbox uses too, so one token manager serves both; without
    one the channel makes (and closes) its own. ``on_ready`` gets the bound port.
    """
    _credentials(zalo)
    install_redaction(settings, zalo)  # both Zalo tokens out of every log line
    own = sender is None
    sender = sender or ZaloOaSender.create(zalo, db, tuning=tuning)
    channel = ZaloOaChannel(zalo, sender, conversation, db, settings.default_lang, tuning)
    try:
        server = await serve_webhook(
            channel.webhook_app(webhook_path(zalo.oa_webhook_url, WEBHOOK_PATH)),
            zalo.webhook_listen,
            zalo.oa_webhook_port,
            WebhookLimits.from_settings(settings),
        )
        try:
            log.info("zalo-oa: webhook listening on port %d", server.port)
            await channel.recover()
            if on_ready is not None:
                on_ready(server.port)
            await stop.wait()
        finally:
            await server.close()
            await channel.drain()
    finally:
        if own:
            await sender.close()


def make_sender(settings: Settings, db: Db) -> Sender:
    """One sender serves replies and announcements: its lock serialises the refreshes of
    the single-use refresh token."""
    return ZaloOaSender.create(ZaloSettings(), db)


async def serve_channel(ctx: Serving, sender: Sender, stop: asyncio.Event) -> None:
    """The registry's entry point; ``sender`` is the one ``make_sender`` made."""
    if not isinstance(sender, ZaloOaSender):
        raise TypeError("the Zalo OA channel needs its own sender")
    await serve_zalo_oa(ctx.settings, ZaloSettings(), ctx.conversation, ctx.db, stop, sender=sender)
