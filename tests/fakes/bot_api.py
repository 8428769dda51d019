"""What the two Telegram-style fakes (Telegram's Bot API, the Zalo Bot Platform) share:
a token in the path, a log of calls to wait on, queued updates for long polls, and
faults injected per method and chat."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import itertools
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import web

from tests.fakes.loopback import LoopbackServer


class _Call(Protocol):
    @property
    def method(self) -> str: ...


class _Fault(Protocol):
    method: str
    chat_id: Any
    times: int


CallT = TypeVar("CallT", bound=_Call)
FaultT = TypeVar("FaultT", bound=_Fault)


class BotApiFake(LoopbackServer, Generic[CallT, FaultT]):
    """Routes ``/bot{token}/{method}`` to ``_handle``, which subclasses write."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[CallT] = []
        self.on_call: Callable[[CallT], None] | None = None  # e.g. a benchmark's clock
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._faults: list[FaultT] = []
        self._ids = itertools.count(1)
        self._arrived = asyncio.Event()  # replaced after each push
        self._called = asyncio.Event()  # replaced after each call
        self._closing = False
        super().__init__()

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    @abc.abstractmethod
    async def _handle(self, request: web.Request) -> web.Response:
        """Answer one Bot API call (each platform's own answers and errors)."""

    def closing(self) -> None:
        self._closing = True
        self._arrived.set()  # end pending long polls now

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._arrived.set()
        self._arrived = asyncio.Event()

    def calls_of(self, method: str) -> list[CallT]:
        return [call for call in self.calls if call.method == method]

    async def _wait_for_calls(
        self, method: str, keep: Callable[[CallT], bool], count: int, within: float
    ) -> list[CallT]:
        """Wait until ``count`` calls of ``method`` pass ``keep``; return them all."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            found = [c for c in self.calls_of(method) if keep(c)]
            if len(found) >= count:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [(c.method, getattr(c, "status", None)) for c in self.calls]
                raise AssertionError(f"{count} x {method} not seen in {within}s; calls: {seen}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._called.wait(), remaining)

    def _record(self, call: CallT) -> None:
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        self._called.set()
        self._called = asyncio.Event()

    def _take_fault(self, method: str, chat_id: Any) -> FaultT | None:
        for fault in self._faults:
            wanted = fault.chat_id is None or fault.chat_id == chat_id
            if fault.method == method and fault.times > 0 and wanted:
                fault.times -= 1
                return fault
        return None
