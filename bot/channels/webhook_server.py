"""The webhook HTTP server, hardened: bounded bodies, a time limit per request and per
idle connection, and a cap on open connections.

Webhook updates are small (a Telegram update is a few kB), and the endpoints are public:
without limits, anyone could hold hundreds of idle sockets open until the process runs
out of file descriptors, or make the server read a 100 MB body. Here:

- a body announced larger than ``max_body`` is refused (413) before it is read, and a
  longer chunked body stops being read at ``max_body``; the connection is then closed
  rather than drained;
- a connection must deliver each request (headers and body) within ``timeout`` seconds
  of opening or of its previous answer, which also closes idle keep-alive connections;
- at most ``max_connections`` are open (kept below the file descriptor limit, so that
  accepting never fails with EMFILE): when full, the oldest idle one is closed to make
  room, and if none is idle the new one is closed at once.

Handlers check their secret header before they read the body (``check_secret``).
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import resource
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.config import Settings

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# File descriptors left for everything else: the database, outgoing HTTP, logs.
RESERVED_FDS = 64


@dataclass(frozen=True, slots=True)
class WebhookLimits:
    """Limits of a webhook server (``TOURBOT_WEBHOOK_*`` settings)."""

    max_body: int = 1024 * 1024
    timeout: float = 10.0
    max_connections: int = 256

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookLimits:
        return cls(
            settings.webhook_max_body, settings.webhook_timeout, settings.webhook_max_connections
        )

    def connection_cap(self) -> int:
        """``max_connections``, lowered to fit under the process's file descriptor limit."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(1, min(self.max_connections, soft - RESERVED_FDS))


def refuse(status: int, text: str) -> web.Response:
    """An error answer that also closes the connection: an unread body is never drained."""
    response = web.json_response({"ok": False, "error": text}, status=status)
    response.force_close()
    return response


def check_secret(request: web.Request, header: str, secret: str) -> web.Response | None:
    """403 unless ``header`` carries ``secret`` (compared in constant time); None if it does."""
    given = request.headers.get(header, "").encode()
    if not hmac.compare_digest(given, secret.encode()):
        return refuse(403, "forbidden")
    return None


@dataclass(slots=True)
class _Connection:
    since: float  # opened, or answered its last request
    order: int
    busy: bool = False


class _Refused(asyncio.Protocol):
    """Stands in for a handler when every connection is busy: closes at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:  # pragma: no cover - TCP transports are always asyncio.Transport
            transport.close()


class WebhookServer:
    """One aiohttp application served under ``WebhookLimits``; ``start``, then ``close``."""

    def __init__(self, app: web.Application, limits: WebhookLimits) -> None:
        self._limits = limits
        self._cap = limits.connection_cap()
        self._loop = asyncio.get_running_loop()
        self._open: dict[RequestHandler, _Connection] = {}
        self._order = itertools.count()
        self._server: asyncio.Server | None = None
        app.middlewares.append(self._guard)
        # No lingering: an unread body (refused request) is not read to the end.
        self._runner = web.AppRunner(
            app,
            access_log=None,
            shutdown_timeout=2.0,
            keepalive_timeout=limits.timeout,
            lingering_time=0,
        )
        self.port = 0
        self.refused = 0  # connections closed at once: all were busy
        self.evicted = 0  # idle connections closed to make room
        self.timed_out = 0  # connections closed for idling or a request too slow

    @property
    def open_connections(self) -> int:
        return len(self._open)

    async def start(self, host: str, port: int, backlog: int = 128) -> int:
        """Listen on host:port (0 picks a free port); return the bound port."""
        await self._runner.setup()
        self._server = await self._loop.create_server(
            self._protocol, host, port, backlog=backlog, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._runner.cleanup()
        if self._server is not None:
            await self._server.wait_closed()

    # -- connections ------------------------------------------------------------------

    def _protocol(self) -> asyncio.BaseProtocol:
        server = self._runner.server
        assert server is not None  # set up in start()
        self._prune()
        if len(self._open) >= self._cap and not self._evict_idle():
            self.refused += 1
            return _Refused()
        handler = server()
        self._open[handler] = _Connection(self._loop.time(), next(self._order))
        self._loop.call_later(self._limits.timeout, self._check, handler)
        return handler

    def _prune(self) -> None:
        """Forget connections that have closed (their transport is gone)."""
        now = self._loop.time()
        for handler in [h for h, c in self._open.items() if _closed(h, c, now)]:
            del self._open[handler]

    def _evict_idle(self) -> bool:
        idle = [(c.order, h) for h, c in self._open.items() if not c.busy]
        if not idle:
            return False
        _order, handler = min(idle, key=lambda pair: pair[0])
        del self._open[handler]
        handler.force_close()
        self.evicted += 1
        return True

    def _check(self, handler: RequestHandler) -> None:
        conn = self._open.get(handler)
        if conn is None:
            return
        now = self._loop.time()
        if handler.transport is None and now - conn.since >= self._limits.timeout:
            del self._open[handler]  # closed meanwhile
            return
        due = conn.since + self._limits.timeout
        if conn.busy or now < due:
            # A busy request has its own time limit (the middleware); check again later.
            self._loop.call_at(max(due, now + 0.05), self._check, handler)
            return
        del self._open[handler]
        self.timed_out += 1
        handler.force_close()

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        conn = self._open.get(request.protocol)
        if conn is not None:
            conn.busy = True
        try:
            length = request.content_length
            if length is not None and length > self._limits.max_body:
                return refuse(413, "body too large")
            try:
                async with asyncio.timeout(self._limits.timeout):
                    return await handler(request)
            except TimeoutError:
                self.timed_out += 1
                return refuse(408, "request too slow")
            except web.HTTPRequestEntityTooLarge:
                return refuse(413, "body too large")
        finally:
            if conn is not None:
                conn.busy = False
                conn.since = self._loop.time()


def _closed(handler: RequestHandler, conn: _Connection, now: float) -> bool:
    # A handler gets its transport in the loop iteration after it is made: a young one
    # without a transport is connecting, not closed.
    return handler.transport is None and not conn.busy and now - conn.since > 1.0


async def serve_webhook(
    app: web.Application, host: str, port: int, limits: WebhookLimits
) -> WebhookServer:
    """Serve ``app`` on host:port under ``limits``; return the started server."""
    server = WebhookServer(app, limits)
    await server.start(host, port)
    log.info("webhook listening on %s:%d", host, server.port)
    return server
