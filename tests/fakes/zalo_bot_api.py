"""A fake Zalo Bot Platform API on 127.0.0.1, for end-to-end tests.

``POST /bot<token>/<method>`` with JSON, answers in the ``{"ok": ...}`` envelope.
``getUpdates`` hands out ONE queued update per call and answers HTTP 408 after
``timeout`` seconds when idle, like the real platform; ``sendMessage`` records messages
and refuses texts over 2000 characters. Faults (any status, error code, delay) can be
injected per method and chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.bot_api import BotApiFake

TOKEN = "1234567890:fake-zalo-bot-access-token"
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


@dataclass(slots=True)
class Fault:
    method: str
    status: int  # HTTP status; 200 with ``error_code`` = an ok:false answer at HTTP 200
    error_code: int | None
    chat_id: str | None
    times: int
    delay: float
    description: str


class FakeZaloBot(BotApiFake[Call, Fault]):
    """Use ``async with FakeZaloBot() as fake:`` and point the client at ``base_url``."""

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- updates ---------------------------------------------------------------------
    def update(
        self,
        user_id: str,
        text: str | None = None,
        *,
        event_name: str | None = None,
        message_id: str | None = None,
        chat_id: str | None = None,
        chat_type: str = "PRIVATE",
    ) -> dict[str, Any]:
        """An update dict (not queued), for ``push`` or a webhook POST."""
        message: dict[str, Any] = {
            "message_id": message_id or f"m{next(self._ids)}",
            "date": int(time.time() * 1000),
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
            "from": {"id": user_id, "display_name": f"User {user_id}", "is_bot": False},
        }
        if text is not None:
            message["text"] = text
        name = event_name or (
            "message.text.received" if text is not None else "message.image.received"
        )
        return {"event_name": name, "message": message}

    def push(self, update: Any) -> None:
        self._queue(update)

    def push_text(self, user_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
        update = self.update(user_id, text, **kwargs)
        self.push(update)
        return update

    @property
    def queued(self) -> int:
        return len(self._updates)

    # -- faults and observation ------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        *,
        error_code: int | None = None,
        times: int = 1,
        chat_id: str | None = None,
        delay: float = 0.0,
        description: str = "Error",
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (for ``chat_id``) with an error."""
        self._faults.append(Fault(method, status, error_code, chat_id, times, delay, description))

    def slow(self, method: str, delay: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls normally, but ``delay`` seconds late."""
        self._faults.append(Fault(method, 200, None, None, times, delay, ""))

    def sent(self, chat_id: str | None = None) -> list[str]:
        """Texts delivered (status 200), optionally to one chat."""
        return [
            c.text
            for c in self.calls_of("sendMessage")
            if c.status == 200 and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        within: float = 5.0,
        status: int = 200,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` answered with ``status`` match ``predicate``."""

        def keep(call: Call) -> bool:
            return call.status == status and (predicate is None or predicate(call))

        return await self._wait_for_calls(method, keep, count, within)

    # -- HTTP ------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.method != "POST":
            return _error(405, 405, "Method Not Allowed")
        if request.match_info["token"] != self.token:
            return _error(401, 401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        params = params if isinstance(params, dict) else {}
        fault = self._take_fault(method, str(params.get("chat_id", "")))
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and (fault.status != 200 or fault.error_code is not None):
            self._record(Call(method, params, fault.status if fault.status != 200 else 400))
            return _error(fault.status, fault.error_code or fault.status, fault.description)
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "sendMessage":
            text = params.get("text")
            if (
                not isinstance(text, str)
                or not 1 <= len(text) <= MAX_TEXT
                or not params.get("chat_id")
            ):
                self._record(Call(method, params, 400))
                return _error(200, 400, "Bad Request: text must be 1-2000 characters")
        result = self._result(method, params)
        self._record(Call(method, params, 200))
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        if not self._updates:
            self._record(Call("getUpdates", params, 408))
            return _error(408, 408, "Request Timeout")
        self._record(Call("getUpdates", params, 200))
        return web.json_response({"ok": True, "result": self._updates.pop(0)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": "bot1", "account_name": "tourbot", "account_type": "BASIC"}
        if method == "sendMessage":
            return {"message_id": f"out{next(self._ids)}", "date": int(time.time() * 1000)}
        if method == "setWebhook":
            self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        if method == "deleteWebhook":
            self.webhook = {}
        if method == "getWebhookInfo":
            return {"url": self.webhook.get("url", "")}
        return True


def _error(status: int, code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=status)
