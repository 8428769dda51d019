"""The outbox worker as a process of its own: ``python -m bot.cli.worker``.

Settings come from the environment like ``tourbot run`` (TOURBOT_DB, TELEGRAM_BOT_TOKEN,
TOURBOT_TELEGRAM_BASE_URL, TOURBOT_BROADCAST_*). It stops cleanly on SIGTERM or SIGINT;
the crash tests and the benchmark kill it with SIGKILL instead. It prints one JSON line
of counters when it stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import signal
import sys

from bot.broadcast.runtime import Broadcasting
from bot.config import Settings
from bot.content.loader import require_content
from bot.i18n import load_catalogs
from bot.redact import install_redaction


async def serve() -> dict[str, float]:
    load_catalogs()
    settings = Settings()
    install_redaction(settings)
    pack = require_content(settings.content_dir)
    broadcasting = await Broadcasting.open(settings, lambda: pack)
    if settings.telegram_token is not None:
        from bot.channels.telegram import make_sender

        telegram = make_sender(settings, broadcasting.db)
        broadcasting.add_sender(telegram, close=telegram.close)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    worker = broadcasting.worker()
    try:
        print("ready", flush=True)
        await worker.run(stop)
    finally:
        await broadcasting.close()
    stats = worker.stats
    return {
        "sent": stats.sent,
        "failed": stats.failed,
        "skipped": stats.skipped,
        "retried": stats.retried,
        "flood_waits": stats.flood_waits,
        "paused_seconds": worker.pacer.paused_total,
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(serve())
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
