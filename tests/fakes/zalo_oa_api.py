"""A fake Zalo OA Open API and OAuth server on 127.0.0.1, for end-to-end tests.

- ``POST /v3.0/oa/message/cs``: checks the ``access_token`` header against the one valid
  token (-216 otherwise), validates the message (text 1-2000, at most 5 buttons, titles
  at most 100) and records it; error codes can be injected per user (-32, -230, -201...).
- ``POST /v4/oa/access_token``: checks ``secret_key``, ``app_id`` and the refresh token,
  issues a new pair and invalidates the old refresh token (single use) and the old
  access token; ``expires_in`` is a string, as Zalo sends it.

It also signs webhook events the way Zalo does (``X-ZEvent-Signature``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

APP_ID = "1234567890123456789"
SECRET_KEY = "fake-oa-secret-key"
FIRST_REFRESH_TOKEN = "refresh-0"


@dataclass(frozen=True, slots=True)
class Sent:
    """One consultation message the fake accepted."""

    user_id: str
    message: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.message.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        attachment = self.message.get("attachment") or {}
        return list(attachment.get("payload", {}).get("buttons", []))


class FakeZaloOa(LoopbackServer):
    """Use ``async with FakeZaloOa() as fake:``; ``base_url`` serves both APIs."""

    def __init__(self, expires_in: str = "90000") -> None:
        self.expires_in = expires_in
        self.refresh_token: str | None = FIRST_REFRESH_TOKEN  # the one valid refresh token
        self.access_token: str | None = None  # the one valid access token
        self.sent: list[Sent] = []
        self.cs_calls = 0
        self.refresh_requests: list[str] = []  # every refresh token presented, in order
        self.refused_refresh: list[str] = []
        self._faults: dict[str, list[int]] = {}
        self._counter = itertools.count(1)
        self._changed = asyncio.Event()
        self._down = False
        super().__init__()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._token)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- control -----------------------------------------------------------------------
    def run_env(self, webhook_port: int) -> dict[str, str]:
        """The settings that point a ``tourbot run`` process at this fake, its webhook on
        ``webhook_port``."""
        return {
            "TOURBOT_ZALO_OA_WEBHOOK_PORT": str(webhook_port),
            "TOURBOT_ZALO_OA_APP_ID": APP_ID,
            "TOURBOT_ZALO_OA_SECRET_KEY": SECRET_KEY,
            "TOURBOT_ZALO_OA_BASE_URL": self.base_url,
            "TOURBOT_ZALO_OAUTH_URL": self.base_url,
            "TOURBOT_ZALO_OA_REFRESH_TOKEN": FIRST_REFRESH_TOKEN,
        }

    def expire_access_token(self) -> None:
        """The current access token stops working (as after its 25 hours)."""
        self.access_token = None

    def down(self, on: bool = True) -> None:
        """While down, every send is answered HTTP 503 (an outage of the OpenAPI)."""
        self._down = on

    def fail_user(self, user_id: str, *errors: int) -> None:
        """Answer the next sends to ``user_id`` with these error codes, in order."""
        self._faults.setdefault(user_id, []).extend(errors)

    def texts(self, user_id: str | None = None) -> list[str]:
        return [s.text for s in self.sent if user_id is None or s.user_id == user_id]

    async def wait_sent(
        self,
        predicate: Callable[[Sent], bool] | None = None,
        *,
        count: int = 1,
        within: float = 5.0,
    ) -> list[Sent]:
        """Wait until ``count`` accepted messages match ``predicate``; return them all."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            found = [s for s in self.sent if predicate is None or predicate(s)]
            if len(found) >= count:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"{count} matching messages not sent in {within}s: {self.sent}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    # -- webhook events ----------------------------------------------------------------
    @staticmethod
    def sign(
        event: dict[str, Any], app_id: str = APP_ID, secret_key: str = SECRET_KEY
    ) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers Zalo would POST for ``event``."""
        raw = json.dumps(event, ensure_ascii=False).encode()
        mac = hashlib.sha256(
            app_id.encode() + raw + str(event["timestamp"]).encode() + secret_key.encode()
        ).hexdigest()
        return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}

    def event(
        self, name: str, user_id: str, message: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "app_id": APP_ID,
            "user_id_by_app": f"app-{user_id}",
            "event_name": name,
            "timestamp": str(extra.pop("timestamp", int(time.time() * 1000))),
            **extra,
        }
        if name in ("follow", "unfollow"):
            body["follower"] = {"id": user_id}
            body["oa_id"] = "oa1"
        else:
            body["sender"] = {"id": user_id}
            body["recipient"] = {"id": "oa1"}
            body["message"] = message or {}
        return body

    def text_event(self, user_id: str, text: str, **extra: Any) -> dict[str, Any]:
        message = {"msg_id": f"msg{next(self._counter)}", "text": text}
        return self.event("user_send_text", user_id, message, **extra)

    def location_event(self, user_id: str, lat: float, lon: float) -> dict[str, Any]:
        coordinates = {"latitude": str(lat), "longitude": str(lon)}
        message = {
            "msg_id": f"msg{next(self._counter)}",
            "text": "",
            "attachments": [{"type": "location", "payload": {"coordinates": coordinates}}],
        }
        return self.event("user_send_location", user_id, message)

    def image_event(self, user_id: str) -> dict[str, Any]:
        message = {
            "msg_id": f"msg{next(self._counter)}",
            "attachments": [{"type": "image", "payload": {"url": "https://example.invalid/i.jpg"}}],
        }
        return self.event("user_send_image", user_id, message)

    # -- HTTP --------------------------------------------------------------------------
    async def _send(self, request: web.Request) -> web.Response:
        self.cs_calls += 1
        if self._down:
            return web.Response(status=503, text="Service Unavailable")
        token = request.headers.get("access_token")
        if not token or token != self.access_token:
            return _zalo(-216, "Access token is invalid")
        try:
            body = await request.json()
            user_id = str(body["recipient"]["user_id"])
            message = body["message"]
        except (ValueError, KeyError, TypeError):
            return _zalo(-201, "Parameter is invalid")
        faults = self._faults.get(user_id)
        if faults:
            code = faults.pop(0)
            return _zalo(code, f"injected error {code}")
        problem = _check_message(message)
        if problem:
            return _zalo(-201, problem)
        self.sent.append(Sent(user_id, message))
        self._changed.set()
        self._changed = asyncio.Event()
        data = {"message_id": f"out{next(self._counter)}", "user_id": user_id}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        presented = str(form.get("refresh_token", ""))
        self.refresh_requests.append(presented)
        if request.headers.get("secret_key") != SECRET_KEY or form.get("app_id") != APP_ID:
            return _oauth_error(-14002, "Invalid app or secret key")
        if form.get("grant_type") != "refresh_token":
            return _oauth_error(-14001, "Invalid grant type")
        if not presented or presented != self.refresh_token:
            self.refused_refresh.append(presented)
            return _oauth_error(-14014, "Invalid refresh token")
        n = next(self._counter)
        self.access_token, self.refresh_token = f"access-{n}", f"refresh-{n}"
        return web.json_response(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": self.expires_in,
            }
        )


def _check_message(message: Any) -> str | None:
    if not isinstance(message, dict):
        return "message must be an object"
    text = message.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= 2000:
        return "text must be 1-2000 characters"
    attachment = message.get("attachment")
    if attachment is not None:
        buttons = attachment.get("payload", {}).get("buttons", [])
        if attachment.get("type") != "template" or not 1 <= len(buttons) <= 5:
            return "a template needs 1-5 buttons"
        for button in buttons:
            title, kind = button.get("title"), button.get("type")
            if not isinstance(title, str) or not 1 <= len(title) <= 100:
                return "button title must be 1-100 characters"
            if kind != "oa.query.hide" or not str(button.get("payload", "")).startswith("#"):
                return "unexpected button"
    return None


def _zalo(code: int, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message})


def _oauth_error(code: int, reason: str) -> web.Response:
    return web.json_response({"error": code, "error_name": reason, "error_description": reason})
