"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

It speaks HTTP like api.telegram.org (``POST /bot<token>/<method>`` with a JSON body, or
a form-encoded or multipart one whose non-string values are JSON, or none), queues
updates for ``getUpdates`` long polls, records every call in order and can inject faults
(429 with ``retry_after``, 403, 400, 5xx, slow answers) per method and chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.bot_api import BotApiFake

TOKEN = "123456:TEST-fake-token"
BOT_USER: dict[str, Any] = {
    "id": 42,
    "is_bot": True,
    "first_name": "TourBot",
    "username": "tour_test_bot",  # PTB's command parsing needs it
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
# Values of these keys are free text and stay strings even when they look like JSON.
_TEXT_KEYS = frozenset(
    "text caption title address query description short_description name url secret_token"
    " parse_mode language_code next_offset callback_query_id inline_query_id"
    " inline_message_id".split()
)
_ERRORS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received; ``time`` is ``time.perf_counter()`` on arrival."""

    method: str
    params: dict[str, Any]
    time: float
    status: int = 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


@dataclass(slots=True)
class Fault:
    method: str
    status: int  # 200 = answer normally (after ``delay``)
    chat_id: int | None
    times: int
    delay: float
    retry_after: int | None
    description: str | None


class FakeTelegram(BotApiFake[Call, Fault]):
    """The server. Use ``async with FakeTelegram() as fake:``; point PTB at ``base_url``."""

    backlog = 1024  # the benchmark opens many connections at once

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self.pushed_at: dict[int, float] = {}  # update_id -> perf_counter() when queued
        self._message_ids = itertools.count(1000)
        self._down_until = 0.0  # monotonic time; see ``outage``

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- updates ---------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (``update_id`` assigned when absent) for ``getUpdates``."""
        if "update_id" not in update:
            update["update_id"] = next(self._ids)
        self.pushed_at[update["update_id"]] = time.perf_counter()
        self._queue(update)
        return int(update["update_id"])

    def user(self, user_id: int, language_code: str | None = "en") -> dict[str, Any]:
        out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code is not None:
            out["language_code"] = language_code
        return out

    def _chat(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        *,
        language_code: str | None = "en",
        chat_id: int | None = None,
        location: tuple[float, float] | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """An update dict (not queued): for ``push`` or a webhook POST. ``thread_id``
        puts the message in a forum topic; ``reply_to`` makes it a reply to that message."""
        chat = self._chat(chat_id if chat_id is not None else user_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, language_code),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
            reply_to = reply_to or thread_id  # a topic's messages answer its first one
        if reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": 0, "chat": chat}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split(maxsplit=1)[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if location is not None:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        return {"update_id": next(self._ids), "message": message}

    def media_update(
        self, user_id: int, kind: str, caption: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A message without text: ``kind`` is sticker, photo, voice or contact."""
        update = self.message_update(user_id, **kwargs)
        message = update["message"]
        n = message["message_id"]
        media: dict[str, Any] = {
            "sticker": {
                "file_id": f"s{n}", "file_unique_id": f"su{n}", "type": "regular",
                "width": 512, "height": 512, "is_animated": False, "is_video": False,
            },
            "photo": [{"file_id": f"p{n}", "file_unique_id": f"pu{n}", "width": 90, "height": 90}],
            "voice": {"file_id": f"v{n}", "file_unique_id": f"vu{n}", "duration": 2},
            "contact": {"phone_number": "+84900000000", "first_name": "An", "user_id": user_id},
        }[kind]  # fmt: skip
        message[kind] = media
        if caption is not None:
            message["caption"] = caption
        return update

    def push_media(self, user_id: int, kind: str, caption: str | None = None, **kwargs: Any) -> int:
        return self.push(self.media_update(user_id, kind, caption, **kwargs))

    def push_message(self, user_id: int, text: str, **kwargs: Any) -> int:
        return self.push(self.message_update(user_id, text, **kwargs))

    def push_command(self, user_id: int, command: str, args: str = "", **kwargs: Any) -> int:
        text = f"/{command} {args}".rstrip()
        return self.push(self.message_update(user_id, text, **kwargs))

    def push_location(self, user_id: int, lat: float, lon: float, **kwargs: Any) -> int:
        return self.push(self.message_update(user_id, location=(lat, lon), **kwargs))

    def push_callback(
        self,
        user_id: int,
        data: str | None,
        *,
        language_code: str | None = "en",
        with_message: bool = True,
        game_short_name: str | None = None,
        chat_id: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """A button press (under a message of ``chat_id``, in topic ``thread_id``)."""
        query: dict[str, Any] = {
            "id": str(next(self._ids)),
            "from": self.user(user_id, language_code),
            "chat_instance": f"ci{user_id}",
        }
        if data is not None:
            query["data"] = data
        if game_short_name is not None:
            query["game_short_name"] = game_short_name
        if with_message:
            query["message"] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self._chat(chat_id if chat_id is not None else user_id),
                "from": BOT_USER,
                "text": "menu",
            }
            if thread_id is not None:
                query["message"] |= {"message_thread_id": thread_id, "is_topic_message": True}
        else:
            query["inline_message_id"] = f"inline{user_id}"
        return self.push({"callback_query": query})

    def push_inline_query(
        self, user_id: int, query: str, *, language_code: str | None = "en"
    ) -> int:
        inline = {
            "id": str(next(self._ids)),
            "from": self.user(user_id, language_code),
            "query": query,
            "offset": "",
        }
        return self.push({"inline_query": inline})

    # -- faults and observation ------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (for ``chat_id``) with ``status``."""
        self._faults.append(Fault(method, status, chat_id, times, delay, retry_after, description))

    def outage(self, seconds: float) -> None:
        """Answer 502 to every call but ``getUpdates`` for the next ``seconds``."""
        self._down_until = time.monotonic() + seconds

    def slow(
        self, method: str, delay: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Delay the next ``times`` answers to ``method``, then answer normally."""
        self.fail(method, 200, times=times, chat_id=chat_id, delay=delay)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests read better with the limit inline
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` match ``predicate``; return them all."""
        keep = predicate or (lambda _call: True)
        return await self._wait_for_calls(method, keep, count, timeout)

    # -- HTTP ------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = dict(await request.json()) if request.can_read_body else {}
        else:
            form = await request.post() if request.can_read_body else {}
            params = {key: _decode(key, value) for key, value in form.items()}
        if method != "getUpdates" and time.monotonic() < self._down_until:
            self._record(Call(method, params, time.perf_counter(), 502))
            return _error(502, _ERRORS[502])
        fault = self._take_fault(method, params.get("chat_id"))
        status = fault.status if fault is not None else 200
        self._record(Call(method, params, time.perf_counter(), status))
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status != 200:
            description = fault.description or _ERRORS.get(fault.status, "Error")
            return _error(
                fault.status, description.format(retry_after=fault.retry_after), fault.retry_after
            )
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        # An offset confirms every earlier update; unconfirmed ones survive dropped polls.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        return self._updates[:limit]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            return self._message(params, text=params.get("text", ""))
        if method == "createForumTopic":
            thread = next(self._message_ids)  # a topic's id is its first message's
            return {"message_thread_id": thread, "name": params["name"], "icon_color": 7322096}
        if method == "sendVenue":
            location = {"latitude": params["latitude"], "longitude": params["longitude"]}
            venue = {"location": location, "title": params["title"], "address": params["address"]}
            return self._message(params, venue=venue, location=location)
        if method == "sendLocation":
            location = {"latitude": params["latitude"], "longitude": params["longitude"]}
            return self._message(params, location=location)
        if method == "editMessageText" and "chat_id" in params:
            return self._message(params, text=params.get("text", ""))
        if method == "setWebhook":
            self.webhook = {"url": params.get("url", ""), "secret": params.get("secret_token")}
        if method == "deleteWebhook":
            self.webhook = {}
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
        return True  # answerCallbackQuery, setMyCommands, unknown methods, ...

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id", 0)
        message = {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id if isinstance(chat_id, int) else 0),
            "from": BOT_USER,
            **content,
        }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _TEXT_KEYS:
        return value  # free text, or an uploaded file
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
