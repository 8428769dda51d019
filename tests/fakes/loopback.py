"""The part every fake platform server shares: an aiohttp app on 127.0.0.1, free port."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer(abc.ABC):
    """Use ``async with Fake() as fake:``; subclasses add their routes in ``routes``."""

    backlog = 128

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port = 0

    @abc.abstractmethod
    def routes(self, app: web.Application) -> None:
        """Register the fake's endpoints on ``app``."""

    def closing(self) -> None:  # noqa: B027 - an optional hook, empty on purpose
        """Called first when the server stops (end pending long polls, say)."""

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        # Independent of the bot's own server code: a fake must not share the code it checks.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=self.backlog)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        self.closing()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
