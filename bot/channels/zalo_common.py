"""What the two Zalo channels share: settings, retries, plain-text rendering with
numbered options, the 2000-character splitter and per-user ordered background work.

Sends report a ``bot.core.outbound.Outcome``, the result type of the outbox's
channel-neutral ``Sender`` protocol, which both Zalo senders implement.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.channels import plain
from bot.channels.registry import ChannelConfigError
from bot.core.outbound import Outcome

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_TEXT = 2000  # both Zalo APIs refuse longer texts


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
    # The OA's webhook URL is set in Zalo's developer console; given here, its path is
    # the one the bot serves (behind a proxy that forwards it unchanged).
    oa_webhook_url: str | None = Field(default=None, alias="TOURBOT_ZALO_OA_WEBHOOK_URL")
    oa_app_id: str | None = Field(default=None, alias="TOURBOT_ZALO_OA_APP_ID")
    oa_secret_key: SecretStr | None = Field(default=None, alias="TOURBOT_ZALO_OA_SECRET_KEY")
    oa_base_url: str = Field(default="https://openapi.zalo.me", alias="TOURBOT_ZALO_OA_BASE_URL")
    oauth_url: str = Field(default="https://oauth.zaloapp.com", alias="TOURBOT_ZALO_OAUTH_URL")
    oa_refresh_token: SecretStr | None = Field(default=None, alias="TOURBOT_ZALO_OA_REFRESH_TOKEN")
    webhook_listen: str = Field(default="127.0.0.1", alias="TOURBOT_ZALO_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8444, alias="TOURBOT_ZALO_WEBHOOK_PORT")
    oa_webhook_port: int = Field(default=8445, alias="TOURBOT_ZALO_OA_WEBHOOK_PORT")


def webhook_path(url: str | None, default: str) -> str:
    """The path a webhook is served at: that of its public URL when one is configured
    (a proxy forwards it unchanged), else ``default``."""
    path = urlsplit(url).path if url else ""
    return path if path.startswith("/") and len(path) > 1 else default


class ZaloConfigError(ChannelConfigError):
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


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Zalo's cut of a text: at most ``limit`` characters per message."""
    return [piece.strip() for piece in plain.split_text(text.strip(), limit)]


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
