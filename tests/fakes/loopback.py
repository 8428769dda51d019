"""The part every fake platform server shares: an aiohttp app on 127.0.0.1, free port."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.channels.zalo_common import start_site


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
        self._runner, self.port = await start_site(app, "127.0.0.1", 0, backlog=self.backlog)

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
