"""A Bot API server that breaks HTTP on purpose, on 127.0.0.1: a raw asyncio server, since
aiohttp's own server cannot send a malformed status line.

``getMe`` and ``deleteWebhook`` answer normally; ``getUpdates`` gets a bad status line;
every other method is redirected to itself, a loop the client gives up on.
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Self

from tests.fakes.telegram_api import BOT_USER


class BrokenBotApi:
    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self.port = 0
        self.requests: list[str] = []  # request paths, in order

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                length = 0
                for line in lines[1:]:
                    name, _sep, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                self.requests.append(path)
                writer.write(self._answer(path))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _answer(path: str) -> bytes:
        method = path.rsplit("/", 1)[-1]
        if method in ("getMe", "deleteWebhook"):
            result = BOT_USER if method == "getMe" else True
            body = json.dumps({"ok": True, "result": result}).encode()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            return head.encode() + body
        if method == "getUpdates":
            return b"HTTP/1.1 abc nonsense\r\nContent-Length: 0\r\n\r\n"
        return f"HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\n\r\n".encode()
