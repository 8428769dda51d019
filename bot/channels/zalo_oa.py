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
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

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
    payload_buttons,
    pick_option,
    render_text,
    split_text,
    with_retries,
)
from bot.channels.zalo_oa_tokens import (
    OaTokenError,
    OaTokenManager,
)
from bot.config import Settings
from bot.core.models import Button, Inbound, Location, Reply
from bot.core.ports import Conversation
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.redact import install_redaction
from bot.store.db import Db
from bot.store.users import Users
from bot.store.zalo import NumberedOptions, OaInteractions, OaTokens, SeenMessages

log = logging.getLogger(__name__)

CHANNEL = "zalo-oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
WEBHOOK_PATH = "/zalo/oa"
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_PAYLOAD = 64
TOKEN_REFUSED = frozenset({-216, -220})  # invalid, expired
RATE_LIMITED = -32
NO_RECENT_INTERACTION = frozenset({-230, -232})
NOT_A_FOLLOWER = -213
OUTSIDE_WINDOW = "outside 7-day window"
TOKEN_PAUSE = 60.0

EventKind = Literal["text", "location", "follow", "unfollow", "unsupported"]


def signature(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    """The hex ``mac`` of ``X-ZEvent-Signature``: plain SHA-256, not an HMAC."""
    data = app_id.encode() + raw_body + timestamp.encode() + secret_key.encode()
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class OaEvent:
    kind: EventKind
    user_id: str
    text: str | None = None
    location: Location | None = None


def parse_event(body: dict[str, Any]) -> OaEvent | None:
    """The webhook events the channel acts on; None for others and for malformed ones."""
    name = body.get("event_name")
    if not isinstance(name, str):
        return None
    person = body.get("follower" if name in ("follow", "unfollow") else "sender")
    user_id = person.get("id") if isinstance(person, dict) else None
    if not isinstance(user_id, str | int) or not str(user_id):
        return None
    uid, message = str(user_id), body.get("message")
    message = message if isinstance(message, dict) else {}
    if name in ("follow", "unfollow"):
        return OaEvent("follow" if name == "follow" else "unfollow", uid)
    if name == "user_send_text" and isinstance(message.get("text"), str):
        return OaEvent("text", uid, text=message["text"])
    if name == "user_send_location":
        try:
            coords = message["attachments"][0]["payload"]["coordinates"]
            point = Location(float(coords["latitude"]), float(coords["longitude"]))
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        return OaEvent("location", uid, location=point)
    if name.startswith("user_send_"):
        return OaEvent("unsupported", uid)
    return None  # user_seen_message, oa_send_*, ...: nothing to answer


def button_payload(text: str | None) -> str | None:
    """The payload of "#<payload>", the text an ``oa.query.hide`` button sends back."""
    if not text or not text.startswith("#"):
        return None
    payload = text[1:]
    if 0 < len(payload) <= MAX_PAYLOAD and payload.isascii() and payload.isprintable():
        return payload if " " not in payload else None
    return None


def buttons_attachment(buttons: Sequence[Button]) -> dict[str, Any]:
    def title(label: str) -> str:
        return label if len(label) <= MAX_BUTTON_TITLE else label[: MAX_BUTTON_TITLE - 1] + "…"

    return {
        "type": "template",
        "payload": {
            "buttons": [
                {"title": title(b.label), "type": "oa.query.hide", "payload": f"#{b.payload}"}
                for b in buttons
            ]
        },
    }


# -- sending --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OaTuning:
    """Knobs with production defaults; tests shorten them."""

    send: Backoff = field(default_factory=lambda: Backoff(attempts=3, base=0.5))
    rate_limit: Backoff = field(default_factory=lambda: Backoff(attempts=3, base=2.0, cap=30.0))
    refresh_margin: float = 600.0
    replay_window: float = 300.0
    message_window: float = 7 * 24 * 3600.0
    options_ttl: float = 24 * 3600.0
    seen_window: float = 24 * 3600.0
    prune_every: int = 500
    drain_timeout: float = 5.0


class ZaloOaSender:
    """Consultation messages, one attempt each (after one token refresh if refused).

    Implements the outbox's ``Sender`` protocol (``send``). Share one instance between the
    webhook channel and the outbox in a process: its token manager serialises refreshes.
    """

    channel = CHANNEL

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        tokens: OaTokenManager,
        interactions: OaInteractions,
        tuning: OaTuning | None = None,
        clock: Callable[[], float] = time.time,
        owned: bool = False,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/v3.0/oa/message/cs"
        self._tokens = tokens
        self._interactions = interactions
        self._tuning = tuning or OaTuning()
        self._clock = clock
        self._owned = owned

    @classmethod
    def create(
        cls,
        zalo: ZaloSettings,
        db: Db,
        *,
        http: httpx.AsyncClient | None = None,
        tuning: OaTuning | None = None,
        repo: OaTokens | None = None,
    ) -> ZaloOaSender:
        """A sender from settings; without ``http`` it has its own client (``close`` it).
        ``repo`` replaces the token repository (a test seam)."""
        app_id, secret = _credentials(zalo)
        tuning = tuning or OaTuning()
        client = http or httpx.AsyncClient(timeout=15.0)
        tokens = OaTokenManager(
            client,
            zalo.oauth_url,
            app_id,
            secret,
            repo or OaTokens(db),
            zalo.oa_refresh_token,
            tuning.refresh_margin,
        )
        interactions = OaInteractions(db)
        return cls(client, zalo.oa_base_url, tokens, interactions, tuning, owned=http is None)

    async def close(self) -> None:
        if self._owned:
            await self._http.aclose()

    async def send(self, user: Recipient, text: str) -> Outcome:
        """An announcement: skipped for users silent for over 7 days, else one attempt."""
        return await self._send_text(user.user_id, text, retry=False)

    async def send_text(self, user_id: str, text: str) -> Outcome:
        """Like ``send``, but retrying network errors and rate limits, as conversations do."""
        return await self._send_text(user_id, text, retry=True)

    async def _send_text(self, user_id: str, text: str, retry: bool) -> Outcome:
        last = await self._interactions.last(user_id)
        if last is not None and self._clock() - last > self._tuning.message_window:
            return Outcome.skipped(OUTSIDE_WINDOW)
        messages = [{"text": piece} for piece in split_text(text)]
        return await self.send_messages(user_id, messages, retry=retry)

    async def send_messages(
        self, user_id: str, messages: Sequence[dict[str, Any]], retry: bool = True
    ) -> Outcome:
        """Send in order; stop at the first one not sent (later ones would read wrongly)."""
        outcome = Outcome.failed("empty text")
        tuning = self._tuning
        for message in messages:
            attempt = partial(self.post, user_id, message)
            outcome = await (
                with_retries(attempt, tuning.send, tuning.rate_limit) if retry else attempt()
            )
            if outcome.kind != "sent":
                log.info("zalo-oa: message to %s not sent: %s", user_id, outcome.reason)
                break
        return outcome

    async def post(self, user_id: str, message: dict[str, Any]) -> Outcome:
        """One consultation message; a refused token is refreshed and the call made again."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        refreshed = False
        while True:
            try:
                token = await self._tokens.access_token()
            except OaTokenError as exc:
                log.error("zalo-oa: no access token: %s", exc)
                return _token_pause(f"no access token: {exc}")
            error, status = await self._call(token, body)
            if error in TOKEN_REFUSED and not refreshed:
                refreshed = True
                try:
                    await self._tokens.refresh(stale=token)
                except OaTokenError as exc:
                    log.error("zalo-oa: token refresh failed: %s", exc)
                    return _token_pause(f"token refresh failed: {exc}")
                continue
            return self._outcome(error, status)

    def _outcome(self, error: int | None, status: int) -> Outcome:
        if error is None:  # no readable answer
            reason = f"HTTP {status}" if status else "network error"
            transient = status == 0 or status >= 500
            return Outcome.temporary(reason) if transient else Outcome.failed(reason)
        if error == 0:
            return Outcome.sent()
        if error == RATE_LIMITED:
            return Outcome.retry_after(self._tuning.rate_limit.base)
        if error in NO_RECENT_INTERACTION:
            return Outcome.skipped(OUTSIDE_WINDOW)
        if error == NOT_A_FOLLOWER:
            return Outcome.blocked()
        return Outcome.failed(f"zalo error {error}")

    async def _call(self, token: str, body: dict[str, Any]) -> tuple[int | None, int]:
        """(Zalo's error code, or None without a readable answer; the HTTP status, 0 when
        the request failed on the network)."""
        try:
            response = await self._http.post(self._url, headers={"access_token": token}, json=body)
        except httpx.HTTPError:
            return None, 0
        if response.status_code != 200:
            return None, response.status_code
        try:
            return int(response.json().get("error", 0)), 200
        except (ValueError, TypeError, AttributeError):
            return None, 200


# -- the channel ----------------------------------------------------------------------


class ZaloOaChannel:
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
        self._app_id, self._secret = _credentials(zalo)
        self.sender = sender
        self._conversation = conversation
        self._users = Users(db)
        self._seen = SeenMessages(db)
        self._options = NumberedOptions(db)
        self._interactions = OaInteractions(db)
        self._default_lang = default_lang
        self._tuning = tuning or OaTuning()
        self._clock = clock
        self._queues = UserQueues()
        self._accepted = 0

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
        now = self._clock()
        if abs(now - sent_at) > self._tuning.replay_window:
            return _status(403, "stale timestamp")
        event = parse_event(body) if isinstance(body, dict) else None
        if event is None:
            return _status(200, "ignored")
        message = body.get("message")
        msg_id = message.get("msg_id") if isinstance(message, dict) else None
        key = f"msg:{msg_id}" if msg_id else "event:" + hashlib.sha256(raw).hexdigest()
        # A replay with a valid signature is dropped but answered 200: it may be Zalo
        # redelivering after a slow answer, and an error would make it try again.
        if not await self._seen.add(CHANNEL, key, now):
            return _status(200, "duplicate")
        self._accepted += 1
        if self._accepted % self._tuning.prune_every == 1:
            await self._seen.prune(CHANNEL, now - self._tuning.seen_window)
        self._queues.submit(event.user_id, partial(self._process, event))
        return _status(200, "ok")

    async def _process(self, event: OaEvent) -> None:
        uid = event.user_id
        if event.kind == "unfollow":
            await self._conversation.mark_blocked(CHANNEL, uid)
            await self._options.save(CHANNEL, uid, [], self._clock())
            return
        await self._interactions.touch(uid, self._clock())
        if event.kind == "unsupported":
            with use_lang(await self._lang(uid)):
                notice = _("Sorry, I can only read text messages. Please type your question.")
            await self._send(uid, [{"text": notice}])
            return
        inbound = Inbound(CHANNEL, uid, uid, location=event.location)
        if event.kind == "follow":
            inbound = Inbound(CHANNEL, uid, uid, text="/start")
        elif event.kind == "text":
            payload = button_payload(event.text)
            if payload is None:
                since = self._clock() - self._tuning.options_ttl
                payload = pick_option(event.text, await self._options.load(CHANNEL, uid, since))
            text = None if payload is not None else event.text
            inbound = Inbound(CHANNEL, uid, uid, text=text, payload=payload)
        try:
            replies = await self._conversation.handle(inbound)
        except Exception:
            log.exception("zalo-oa: an event of user %s failed", uid)
            with use_lang(await self._lang(uid)):
                sorry = _("Sorry, something went wrong. Please try again.")
            await self._send(uid, [{"text": sorry}])
            return
        await self.deliver(uid, replies)

    async def _lang(self, user_id: str) -> str:
        user = await self._users.get(CHANNEL, user_id)
        return (user.lang if user else None) or self._default_lang

    # -- replies ------------------------------------------------------------------------

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> Outcome:
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
        await self._options.save(CHANNEL, user_id, numbered, self._clock())
        return await self._send(user_id, messages)

    async def _send(self, user_id: str, messages: Sequence[dict[str, Any]]) -> Outcome:
        outcome = await self.sender.send_messages(user_id, messages)
        if outcome.kind == "blocked":  # -213: no longer a follower
            await self._conversation.mark_blocked(CHANNEL, user_id)
        return outcome

    async def drain(self) -> None:
        await self._queues.drain(self._tuning.drain_timeout)


def _token_pause(reason: str) -> Outcome:
    # Without a token every send fails alike: pause the outbox rather than fail everyone
    # (a person may have to re-authorise the OA).
    return Outcome("retry_after", reason, TOKEN_PAUSE)


def _status(code: int, status: str) -> web.Response:
    return web.json_response({"status": status}, status=code)


def _credentials(zalo: ZaloSettings) -> tuple[str, SecretStr]:
    if not zalo.oa_app_id or zalo.oa_secret_key is None:
        raise ZaloConfigError("TOURBOT_ZALO_OA_APP_ID and TOURBOT_ZALO_OA_SECRET_KEY are needed")
    return zalo.oa_app_id, zalo.oa_secret_key


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
            channel.webhook_app(),
            zalo.webhook_listen,
            zalo.oa_webhook_port,
            WebhookLimits.from_settings(settings),
        )
        try:
            log.info("zalo-oa: webhook listening on port %d", server.port)
            if on_ready is not None:
                on_ready(server.port)
            await stop.wait()
        finally:
            await server.close()
            await channel.drain()
    finally:
        if own:
            await sender.close()
