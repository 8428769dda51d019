"""How the long-running commands run: the event loop they use and the heap after start-up."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any


def run(main: Coroutine[Any, Any, int]) -> int:
    """Run ``main`` to completion on uvloop when it is installed (not on Windows): its
    sockets, callbacks and thread wake-ups cost the loop about a tenth less CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    code: int = uvloop.run(main)
    return code


def settle_heap() -> None:
    """Call once start-up is done. Content, index and modules live as long as the
    process: frozen, they leave the collector's full scans, which otherwise stall
    every chat for 50-120 ms now and then (measured in bench/telegram_e2e.py)."""
    gc.collect()
    gc.freeze()
