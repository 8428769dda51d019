"""One channel's failure stops only that channel: ``tourbot run`` serves each channel
through ``keep_serving``, which starts it again after a failure, backing off.

A platform refusing ``setWebhook`` at start-up (503, a 401 while a token is rotated) or a
network outage is temporary; the other channels and the outbox worker go on meanwhile.
A configuration error (a missing token or secret) is not: retrying cannot fix it, so it
ends the process at once, as the operator should see.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.channels.registry import ChannelConfigError
from bot.channels.zalo_common import Backoff, sleep_or_stop
from bot.redact import redact

log = logging.getLogger(__name__)

# Waits between restarts: 1 s, doubling, at most a minute.
RESTARTS = Backoff(attempts=0, base=1.0, cap=60.0)


async def keep_serving(
    name: str,
    serve: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    backoff: Backoff = RESTARTS,
) -> None:
    """Run ``serve()`` until ``stop``; start it again after it fails or returns early,
    waiting ``backoff`` (one WARNING per failure, with the reason, tokens masked). A run
    that lasted longer than the longest wait starts the waits over."""
    loop = asyncio.get_running_loop()
    failures = 0
    while not stop.is_set():
        started = loop.time()
        try:
            await serve()
        except ChannelConfigError:
            raise
        except Exception as exc:
            reason = redact(f"{type(exc).__name__}: {exc}")
        else:
            if stop.is_set():
                return
            reason = "it stopped serving"
        if loop.time() - started > backoff.cap:
            failures = 0
        failures += 1
        delay = backoff.delay(failures)
        log.warning("%s: channel failed (%s); starting it again in %.0f s", name, reason, delay)
        await sleep_or_stop(delay, stop)
