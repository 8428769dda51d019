"""The Zalo Official Account Open API (v3) as the channel uses it: webhook signatures and
events, button attachments, and the sender of consultation messages (with the access
token refreshed when refused). Log lines never carry tokens, keys or what users wrote.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from bot.channels.zalo_common import (
    Backoff,
    ZaloConfigError,
    ZaloSettings,
    split_text,
    with_retries,
)
from bot.channels.zalo_oa_tokens import (
    OaTokenError,
    OaTokenManager,
)
from bot.core.models import Button, Location
from bot.core.outbound import Outcome, Recipient
from bot.redact import log_id
from bot.store.db import Db
from bot.store.zalo import OaInteractions, OaTokens

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
                log.info("zalo-oa: message to %s not sent: %s", log_id(user_id), outcome.reason)
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


def _token_pause(reason: str) -> Outcome:
    # Without a token every send fails alike: pause the outbox rather than fail everyone
    # (a person may have to re-authorise the OA).
    return Outcome("retry_after", reason, TOKEN_PAUSE)


def _credentials(zalo: ZaloSettings) -> tuple[str, SecretStr]:
    if not zalo.oa_app_id or zalo.oa_secret_key is None:
        raise ZaloConfigError("TOURBOT_ZALO_OA_APP_ID and TOURBOT_ZALO_OA_SECRET_KEY are needed")
    return zalo.oa_app_id, zalo.oa_secret_key
