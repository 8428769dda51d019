"""What the two Zalo channels share: settings, retries, plain-text rendering with
numbered options, the 2000-character splitter and per-user ordered background work.

Sends report a ``bot.broadcast.sender.Outcome``, the result type of the outbox's
channel-neutral ``Sender`` protocol, which both Zalo senders implement.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.broadcast.sender import Outcome
from bot.core.models import Button, Reply, Venue
from bot.i18n import gettext as _
from bot.i18n import use_lang

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_TEXT = 2000  # both Zalo APIs refuse longer texts
OSM_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"


class ZaloSettings(BaseSettings):
    """Zalo settings from the environment or ``.env``; secrets are ``SecretStr``."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    bot_token: SecretStr | None = Field(default=None, alias="TOURBOT_ZALO_BOT_TOKEN")
    bot_base_url: str = Field(
        default="https://bot-api.zaloplatforms.com", alias="TOURBOT_ZALO_BOT_BASE_URL"
    )
    bot_webhook_secret: SecretStr | None = Field(
        default=None, alias="TOURBOT_ZALO_BOT_WEBHOOK_SECRET"
    )
    bot_webhook_url: str | None = Field(default=None, alias="TOURBOT_ZALO_BOT_WEBHOOK_URL")
    oa_app_id: str | None = Field(default=None, alias="TOURBOT_ZALO_OA_APP_ID")
    oa_secret_key: SecretStr | None = Field(default=None, alias="TOURBOT_ZALO_OA_SECRET_KEY")
    oa_base_url: str = Field(default="https://openapi.zalo.me", alias="TOURBOT_ZALO_OA_BASE_URL")
    oauth_url: str = Field(default="https://oauth.zaloapp.com", alias="TOURBOT_ZALO_OAUTH_URL")
    oa_refresh_token: SecretStr | None = Field(default=None, alias="TOURBOT_ZALO_OA_REFRESH_TOKEN")
    webhook_listen: str = Field(default="127.0.0.1", alias="TOURBOT_ZALO_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8444, alias="TOURBOT_ZALO_WEBHOOK_PORT")
    oa_webhook_port: int = Field(default=8445, alias="TOURBOT_ZALO_OA_WEBHOOK_PORT")


class ZaloConfigError(ValueError):
    """The settings do not allow starting a Zalo channel."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Bounded exponential back-off: ``attempts`` tries in all, waits doubling from ``base``."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 30.0

    def delay(self, failures: int) -> float:
        return float(min(self.cap, self.base * 2 ** max(failures - 1, 0)))


async def with_retries(
    attempt: Callable[[], Awaitable[Outcome]], temporary: Backoff, rate_limit: Backoff
) -> Outcome:
    """Run ``attempt`` again after a ``temporary`` or ``retry_after`` outcome, waiting as
    the matching back-off says, until it succeeds or its attempts are used up. A pause
    asked for beyond ``rate_limit.cap`` is not waited for: a user would not wait either.

    For conversations only: announcements go through the outbox worker, which makes that
    decision itself (a flood wait there pauses every send, not just one).
    """
    failures = waits = 0
    while True:
        outcome = await attempt()
        if outcome.kind == "temporary" and failures + 1 < temporary.attempts:
            failures += 1
            await asyncio.sleep(temporary.delay(failures))
        elif (
            outcome.kind == "retry_after"
            and waits + 1 < rate_limit.attempts
            and outcome.seconds <= rate_limit.cap
        ):
            waits += 1
            await asyncio.sleep(rate_limit.delay(waits))
        else:
            return outcome


# -- rendering ------------------------------------------------------------------------


def payload_buttons(reply: Reply) -> list[Button]:
    """The buttons that answer with a payload, in reading order."""
    return [b for row in reply.buttons for b in row if b.payload]


def venue_line(venue: Venue) -> str:
    link = OSM_URL.format(lat=venue.lat, lon=venue.lon)
    place = f"{venue.title}, {venue.address}" if venue.address else venue.title
    return f"📍 {place}: {link}"


def render_text(reply: Reply, numbered: Sequence[Button] = (), start: int = 1) -> str:
    """A reply as plain text: title line, text, map link, links, then ``numbered`` as
    "1. label" (from ``start``) with a hint that the user may answer with a number."""
    lines: list[str] = []
    if reply.title:
        lines.append(reply.title.strip())
    if reply.text.strip():
        lines.append(reply.text.strip())
    if reply.venue is not None:
        lines.append(venue_line(reply.venue))
    links = [b for row in reply.buttons for b in row if b.url and not b.payload]
    lines += [f"🔗 {b.label}: {b.url}" for b in links]
    if numbered:
        lines.append("")
        lines += [f"{n}. {b.label}" for n, b in enumerate(numbered, start=start)]
        with use_lang(reply.lang):
            lines.append(_("Reply with a number to choose."))
    return "\n".join(lines)


def render_numbered(replies: Sequence[Reply]) -> tuple[list[str], list[str]]:
    """Each reply as text with every payload button numbered, continuing across the
    replies of one turn; returns the texts and the payloads in number order."""
    texts: list[str] = []
    payloads: list[str] = []
    for reply in replies:
        options = payload_buttons(reply)
        texts.append(render_text(reply, options, start=len(payloads) + 1))
        payloads += [b.payload for b in options if b.payload]
    return texts, payloads


def pick_option(text: str | None, payloads: Sequence[str]) -> str | None:
    """The payload behind an answer such as "2" (or "2."), if that number is on offer."""
    if not text or not payloads:
        return None
    number = text.strip().rstrip(".")
    if not (number.isascii() and number.isdigit()):
        return None
    index = int(number)
    return payloads[index - 1] if 1 <= index <= len(payloads) else None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, else a line, else a
    space; a separator counts only in the second half of the window, so an early blank
    line does not produce a tiny message. Blank pieces are dropped."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut >= limit // 2:
                pieces.append(window[:cut])
                rest = rest[cut + len(sep) :]
                break
        else:
            pieces.append(window)
            rest = rest[limit:]
    pieces.append(rest)
    return [piece.strip() for piece in pieces if piece.strip()]


# -- running --------------------------------------------------------------------------


class UserQueues:
    """Background jobs run in arrival order for each user, concurrently across users.

    Each job waits for the one submitted before it for the same user: a chain of tasks
    rather than a worker per user, so an idle user costs nothing.
    """

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        previous = self._tails.get(key)
        task = asyncio.create_task(self._run(previous, job))
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(key, done))

    @staticmethod
    async def _run(previous: asyncio.Task[None] | None, job: Callable[[], Awaitable[None]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its failure is logged there, not raised here
        try:
            await job()
        except Exception:
            log.exception("zalo: a background job failed")

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]

    async def drain(self, grace: float) -> None:
        """Let running jobs finish for up to ``grace`` seconds, then cancel the rest."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


async def until_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> tuple[bool, T | None]:
    """Run ``work`` unless ``stop`` is set first (then cancel it): (finished, result)."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not task.done():  # stopped, or we are being cancelled ourselves
            task.cancel()
            await asyncio.wait({task})
    if task.cancelled():
        return False, None
    return True, task.result()


async def sleep_or_stop(delay: float, stop: asyncio.Event) -> None:
    """Sleep ``delay`` seconds, waking early when ``stop`` is set."""
    if delay <= 0 or stop.is_set():
        return
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({waiter}, timeout=delay)
    finally:
        waiter.cancel()


async def start_site(
    app: web.Application, host: str, port: int, backlog: int = 128
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on host:port (0 picks a free port); return the runner and the port.

    Used by the webhook servers and by the fake platform servers in the tests."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    await web.TCPSite(runner, host, port, backlog=backlog).start()
    addresses = runner.addresses
    return runner, int(addresses[0][1]) if addresses else port
