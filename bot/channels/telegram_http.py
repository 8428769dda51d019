"""An aiohttp transport for python-telegram-bot (PTB's ``BaseRequest`` extension point).

PTB's default transport, httpx, spent ~3 ms of CPU per Bot API call in our benchmark,
mostly in httpcore's pool bookkeeping (a scan of every pooled connection, with a
syscall each, whenever a request starts or ends) and in a failed ``import sniffio`` on
every lock it creates. aiohttp, already a dependency, needs ~0.8 ms for the same call.

Parameters go as a JSON body, which the Bot API accepts for every method (uploads
aside): form-encoding quotes Vietnamese text byte by byte in Python, JSON is C code.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.redact import redact

MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most ``connections`` sockets.

    Timeouts follow PTB's meaning where aiohttp has one: ``connect`` bounds waiting for a
    pooled socket plus connecting, ``sock_read`` a silent server; aiohttp has no write
    timeout, so the sum of all four bounds the whole request instead.

    Proxies come from the environment (``HTTPS_PROXY``/``ALL_PROXY``, ``NO_PROXY``), read
    once per host: aiohttp's own ``trust_env`` also reads ``~/.netrc`` in a thread on every
    request, which doubled the cost of a call.
    """

    __slots__ = ("_connections", "_proxies", "_session", "_timeouts")

    def __init__(
        self,
        connections: int,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._connections = connections
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long-poll time to it for getUpdates)."""
        return self._timeouts[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            env = urllib.request.getproxies()
            bypass = bool(urllib.request.proxy_bypass(key[1]))  # honours NO_PROXY
            self._proxies[key] = None if bypass else env.get(key[0]) or env.get("all")
        return self._proxies[key]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        uploading = request_data is not None and request_data.contains_files
        defaults = self._timeouts
        if uploading:  # as PTB's own transport does: uploads may write for longer
            defaults = (defaults[0], MEDIA_WRITE_TIMEOUT, *defaults[2:])
        given = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        read, write, connect, pool = (
            default if isinstance(value, DefaultValue) else value
            for value, default in zip(given, defaults, strict=True)
        )
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        headers = {"User-Agent": self.USER_AGENT}
        body: aiohttp.FormData | bytes | None = None
        if uploading:
            body = _multipart(request_data)
        elif request_data is not None:
            body = json.dumps(request_data.parameters).encode()
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=self._proxy(url),
            ) as response:
                return response.status, await response.read()
        # Raised afresh, from None: aiohttp's messages (ClientResponseError,
        # TooManyRedirects, connection time-outs) contain the URL, and so the token, which
        # PTB and our sender log; a chained cause would print it in every traceback.
        except TimeoutError as exc:  # aiohttp's timeouts subclass it
            raise TimedOut(redact(f"Timed out: aiohttp.{type(exc).__name__}: {exc}")) from None
        except aiohttp.ClientError as exc:
            raise NetworkError(redact(f"aiohttp.{type(exc).__name__}: {exc}")) from None


def _multipart(request_data: RequestData | None) -> aiohttp.FormData:
    """Parameters and files as ``multipart/form-data``, the only way to upload."""
    form = aiohttp.FormData()
    if request_data is not None:
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mimetype) in request_data.multipart_data.items():
            form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
