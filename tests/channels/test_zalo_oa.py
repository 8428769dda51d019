"""End to end: the Zalo OA channel behind its webhook, sending to the fake Open API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.app import App
from bot.channels.console import render
from bot.channels.zalo_common import Backoff, ZaloSettings
from bot.channels.zalo_oa import serve_zalo_oa
from bot.channels.zalo_oa_api import OUTSIDE_WINDOW, OaTuning, ZaloOaSender
from bot.config import Settings
from bot.core.models import Button, Inbound, Location, Reply
from bot.core.outbound import OutcomeKind, Recipient
from bot.core.ports import Conversation
from bot.store.db import Db
from bot.store.zalo import OaInteractions, OaTokens
from tests.channels.conftest import ScriptedConversation, squash
from tests.fakes.zalo_oa_api import APP_ID, FIRST_REFRESH_TOKEN, SECRET_KEY, FakeZaloOa, Sent

FAST = OaTuning(send=Backoff(attempts=3, base=0.01), rate_limit=Backoff(attempts=3, base=0.01))


def oa_settings(fake: FakeZaloOa, **values: Any) -> ZaloSettings:
    base: dict[str, Any] = {
        "TOURBOT_ZALO_OA_APP_ID": APP_ID,
        "TOURBOT_ZALO_OA_SECRET_KEY": SECRET_KEY,
        "TOURBOT_ZALO_OA_BASE_URL": fake.base_url,
        "TOURBOT_ZALO_OAUTH_URL": fake.base_url,
        "TOURBOT_ZALO_OA_REFRESH_TOKEN": FIRST_REFRESH_TOKEN,
        "TOURBOT_ZALO_OA_WEBHOOK_PORT": 0,
    }
    return ZaloSettings(_env_file=None, **{**base, **values})


class Webhook:
    """Posts events to the running channel as Zalo would."""

    def __init__(self, http: httpx.AsyncClient, port: int) -> None:
        self.http = http
        self.url = f"http://127.0.0.1:{port}/zalo/oa"

    async def post(self, event: dict[str, Any], **sign: str) -> httpx.Response:
        raw, headers = FakeZaloOa.sign(event, **sign)
        return await self.http.post(self.url, content=raw, headers=headers)


@contextlib.asynccontextmanager
async def running_oa(
    fake: FakeZaloOa,
    conversation: Conversation,
    conn: Db,
    settings: Settings,
    tuning: OaTuning = FAST,
) -> AsyncIterator[Webhook]:
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_zalo_oa(
            settings,
            oa_settings(fake),
            conversation,
            conn,
            stop,
            tuning=tuning,
            on_ready=ready.set_result,
        )
    )
    try:
        port = await asyncio.wait_for(ready, 5)
        async with httpx.AsyncClient() as http:
            yield Webhook(http, port)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@contextlib.asynccontextmanager
async def oa_sender(
    fake: FakeZaloOa, conn: Db, repo: OaTokens | None = None
) -> AsyncIterator[ZaloOaSender]:
    """The sending side alone (one instance = one process lifetime)."""
    sender = ZaloOaSender.create(oa_settings(fake), conn, tuning=FAST, repo=repo)
    try:
        yield sender
    finally:
        await sender.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa() as server:
        yield server


def labels(sent: Sent) -> list[str]:
    return [b["title"] for b in sent.buttons]


# -- webhook, with the real core ------------------------------------------------------------


async def test_signed_message_is_answered(app: App, fake: FakeZaloOa) -> None:
    async with running_oa(fake, app.conversation, app.db, app.settings) as hook:
        response = await hook.post(fake.text_event("z1", "Hội Lim tổ chức khi nào?"))
        assert response.status_code == 200
        (answer,) = await fake.wait_sent()
    assert answer.user_id == "z1" and answer.text.startswith("Hội Lim\n")
    assert "2027" in answer.text
    assert fake.refresh_requests == [FIRST_REFRESH_TOKEN]  # the seed bought the first token
    assert await OaInteractions(app.db).last("z1") == pytest.approx(time.time(), abs=60)


async def test_unsigned_forged_and_replayed_events_are_rejected(app: App, fake: FakeZaloOa) -> None:
    async with running_oa(fake, app.conversation, app.db, app.settings) as hook:
        event = fake.text_event("z2", "hội lim")
        raw, headers = fake.sign(event)
        unsigned = await hook.http.post(hook.url, content=raw)
        bad_mac = await hook.http.post(
            hook.url, content=raw, headers={"X-ZEvent-Signature": "mac=" + "0" * 64}
        )
        wrong_key = await hook.post(event, secret_key="not-the-secret")
        tampered = await hook.http.post(
            hook.url, content=raw.replace(b"z2", b"z3"), headers=headers
        )
        old = fake.text_event("z2", "hội lim", timestamp=int((time.time() - 600) * 1000))
        stale = await hook.post(old)
        garbage = await hook.http.post(hook.url, content=b"[]", headers=headers)
        first = await hook.http.post(hook.url, content=raw, headers=headers)
        replay = await hook.http.post(hook.url, content=raw, headers=headers)
        await fake.wait_sent()
        await asyncio.sleep(0.1)  # a second answer, if any, would have arrived by now
    statuses = [r.status_code for r in (unsigned, bad_mac, wrong_key, tampered, stale, garbage)]
    assert statuses == [403, 403, 403, 403, 403, 400]
    assert (first.status_code, first.json()) == (200, {"status": "ok"})
    assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
    assert len(fake.sent) == 1


async def test_follow_greets_with_buttons_and_unfollow_blocks(app: App, fake: FakeZaloOa) -> None:
    (menu,) = await app.conversation.handle(Inbound("console", "c", "c", text="/start"))
    async with running_oa(fake, app.conversation, app.db, app.settings) as hook:
        assert (await hook.post(fake.event("follow", "z4"))).status_code == 200
        (greeting,) = await fake.wait_sent()
        await app.users.subscribe("zalo-oa", "z4", "all")
        assert (await hook.post(fake.event("unfollow", "z4"))).status_code == 200
        for _ in range(50):
            user = await app.users.get("zalo-oa", "z4")
            if user is not None and user.blocked:
                break
            await asyncio.sleep(0.02)
    assert squash(menu.text) in squash(greeting.text)
    assert greeting.buttons == [
        {"title": b.label, "type": "oa.query.hide", "payload": f"#{b.payload}"}
        for row in menu.buttons
        for b in row
    ]
    assert user is not None and user.blocked
    assert await app.users.subscriptions("zalo-oa", "z4") == []


async def test_location_gets_the_nearest_places(app: App, fake: FakeZaloOa) -> None:
    where = Location(21.976, 106.712)  # Hữu Nghị border gate: five places, a pin or more
    (expected,) = await app.conversation.handle(Inbound("console", "c", "c", location=where))
    async with running_oa(fake, app.conversation, app.db, app.settings) as hook:
        await hook.post(fake.location_event("z5", where.lat, where.lon))
        (answer,) = await fake.wait_sent()
    assert squash(expected.text) in squash(answer.text)
    _shown, options = render(expected)
    assert labels(answer) == [b.label for b in options[:5]]  # five buttons, the rest numbered
    assert f"1. {options[5].label}" in answer.text


async def test_pressing_a_button_sends_its_payload(app: App, fake: FakeZaloOa) -> None:
    (menu,) = await app.conversation.handle(Inbound("console", "c", "c", text="/start"))
    first = menu.buttons[0][0]
    assert first.payload is not None
    (expected,) = await app.conversation.handle(Inbound("console", "c", "c", payload=first.payload))
    async with running_oa(fake, app.conversation, app.db, app.settings) as hook:
        await hook.post(fake.event("follow", "z6"))
        (greeting,) = await fake.wait_sent()
        await hook.post(fake.text_event("z6", greeting.buttons[0]["payload"]))
        await fake.wait_sent(count=2)
    assert squash(expected.text) in squash(fake.texts("z6")[1])


# -- webhook, with a scripted conversation ------------------------------------------------------


class ManyButtons(ScriptedConversation):
    """Answers "menu" with seven buttons; records everything like its parent."""

    async def _answer(self, msg: Inbound) -> list[Reply]:
        if msg.text == "menu":
            row = tuple(
                Button(f"Option {n}" + "x" * (120 if n == 1 else 0), payload=f"o:{n}")
                for n in range(1, 8)
            )
            return [Reply(text="Pick one", lang="en", buttons=(row,))]
        return await super()._answer(msg)


async def test_more_than_five_buttons_are_numbered(
    fake: FakeZaloOa, conn: Db, settings: Settings
) -> None:
    conversation = ManyButtons()
    async with running_oa(fake, conversation, conn, settings) as hook:
        await hook.post(fake.text_event("z7", "menu"))
        (menu,) = await fake.wait_sent()
        await hook.post(fake.text_event("z7", "2"))  # the second numbered option: o:7
        await hook.post(fake.text_event("z7", "#o:3"))  # the third button
        await hook.post(fake.text_event("z7", "#not a payload"))
        await fake.wait_sent(count=4)
    assert [b["payload"] for b in menu.buttons] == [f"#o:{n}" for n in range(1, 6)]
    assert len(menu.buttons[0]["title"]) == 100 and menu.buttons[0]["title"].endswith("…")
    assert "\n1. Option 6\n2. Option 7\n" in menu.text
    got = [(m.text, m.payload) for m in conversation.inbound]
    assert got == [("menu", None), (None, "o:7"), (None, "o:3"), ("#not a payload", None)]


async def test_one_user_in_order_and_non_text_politely_refused(
    fake: FakeZaloOa, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    async with running_oa(fake, conversation, conn, settings) as hook:
        await hook.post(fake.text_event("z8", "slow"))
        await hook.post(fake.text_event("z8", "fast"))
        await hook.post(fake.image_event("z8"))
        await hook.post(fake.text_event("z9", "other user"))
        await fake.wait_sent(count=4)
    assert fake.texts("z8")[:2] == ["echo: slow", "echo: fast"]
    assert fake.texts("z8")[2]  # the polite refusal, whatever its wording
    assert [m.text for m in conversation.inbound if m.user_id == "z8"] == ["slow", "fast"]
    assert fake.texts("z9") == ["echo: other user"]
    assert fake.sent.index(next(s for s in fake.sent if s.user_id == "z9")) == 0  # not held up


# -- sending and tokens -------------------------------------------------------------------------


async def test_expired_token_is_refreshed_and_the_send_retried_once(
    fake: FakeZaloOa, conn: Db
) -> None:
    async with oa_sender(fake, conn) as sender:
        assert (await sender.send_text("z10", "one")).kind == "sent"
        fake.expire_access_token()
        assert (await sender.send_text("z10", "two")).kind == "sent"
        assert fake.refresh_requests == [FIRST_REFRESH_TOKEN, "refresh-1"]
        fake.expire_access_token()
        fake.refresh_token = None  # the OAuth server refuses every refresh now
        result = await sender.send_text("z10", "three")
    assert result.kind == "retry_after" and "refresh" in result.reason  # pause the outbox
    assert fake.texts("z10") == ["one", "two"]
    assert fake.cs_calls == 1 + 2 + 1  # "two" was retried once; "three" was not


async def test_refresh_token_rotation_is_stored_and_never_reused(
    fake: FakeZaloOa, conn: Db
) -> None:
    async with oa_sender(fake, conn) as sender:
        assert (await sender.send_text("z11", "a")).kind == "sent"
    stored = await OaTokens(conn).current(APP_ID)
    assert stored is not None
    assert (stored.refresh_token, stored.access_token) == (fake.refresh_token, fake.access_token)
    fake.expire_access_token()
    async with oa_sender(fake, conn) as sender:  # a restart
        assert (await sender.send_text("z11", "b")).kind == "sent"
    # The seed (still configured) was used once; the restart refreshed with the stored token.
    assert fake.refresh_requests == [FIRST_REFRESH_TOKEN, "refresh-1"]
    assert fake.refused_refresh == []


async def test_concurrent_sends_refresh_once(fake: FakeZaloOa, conn: Db) -> None:
    async with oa_sender(fake, conn) as sender:
        results = await asyncio.gather(*(sender.send_text(f"u{n}", "hi") for n in range(6)))
        fake.expire_access_token()
        again = await asyncio.gather(*(sender.send_text(f"u{n}", "hi") for n in range(6)))
    assert all(r.kind == "sent" for r in [*results, *again])
    assert len(fake.refresh_requests) == 2 and fake.refused_refresh == []


class CrashingTokens(OaTokens):
    """The token repository, failing once at ``fail_in`` (a crash or a full disk)."""

    def __init__(self, conn: Db, fail_in: str) -> None:
        super().__init__(conn)
        self.fail_in = fail_in

    def _maybe_fail(self, step: str) -> None:
        if step == self.fail_in:
            self.fail_in = ""
            raise RuntimeError(f"simulated failure in {step}")

    async def record_response(self, app_id: str, raw: str, received_at: float) -> int:
        self._maybe_fail("record_response")
        return await super().record_response(app_id, raw, received_at)

    async def set_pair(self, row_id: int, access: str, refresh: str, expires_at: float) -> None:
        self._maybe_fail("set_pair")
        await super().set_pair(row_id, access, refresh, expires_at)


async def test_crash_after_the_answer_was_stored_loses_nothing(fake: FakeZaloOa, conn: Db) -> None:
    repo = CrashingTokens(conn, "set_pair")  # the raw answer is in, the parse never finished
    async with oa_sender(fake, conn, repo) as sender:
        failed = await sender.send_text("z12", "lost")
    assert failed.kind == "retry_after"  # no token to use
    async with oa_sender(fake, conn) as sender:  # the restart
        assert (await sender.send_text("z12", "after restart")).kind == "sent"
    assert fake.refresh_requests == [FIRST_REFRESH_TOKEN]  # recovered, not refreshed again
    assert fake.texts("z12") == ["after restart"]
    stored = await OaTokens(conn).current(APP_ID)
    assert stored is not None and stored.refresh_token == fake.refresh_token


async def test_store_failure_keeps_the_new_token_in_memory(fake: FakeZaloOa, conn: Db) -> None:
    repo = CrashingTokens(conn, "record_response")  # the database refused the answer
    async with oa_sender(fake, conn, repo) as sender:
        failed = await sender.send_text("z13", "first")
        assert failed.kind == "retry_after"  # never used before it was stored
        assert fake.cs_calls == 0
        assert (await sender.send_text("z13", "second")).kind == "sent"  # stored now, then used
    assert fake.refresh_requests == [FIRST_REFRESH_TOKEN] and fake.refused_refresh == []
    async with oa_sender(fake, conn) as sender:
        assert (await sender.send_text("z13", "after restart")).kind == "sent"
    assert fake.refresh_requests == [FIRST_REFRESH_TOKEN]


async def test_a_new_seed_replaces_a_dead_token_but_an_old_one_does_not(
    fake: FakeZaloOa, conn: Db
) -> None:
    repo = OaTokens(conn)
    assert await repo.seed(APP_ID, "refresh-0")
    assert not await repo.seed(APP_ID, "refresh-0")
    row = await repo.record_response(
        APP_ID, '{"access_token":"a","refresh_token":"r","expires_in":"9"}', 1.0
    )
    await repo.set_pair(row, "a", "r", 10.0)
    assert not await repo.seed(APP_ID, "refresh-0")  # used long ago: never put back in front
    assert await repo.seed(APP_ID, "re-authorised")  # an operator's fresh token
    current = await repo.current(APP_ID)
    assert current is not None and current.refresh_token == "re-authorised"


@pytest.mark.parametrize(
    ("errors", "kind", "reason", "calls"),
    [
        ((-32, -32), "sent", "", 3),
        ((-32, -32, -32, -32), "retry_after", "flood control 0.01s", 3),
        ((-230,), "skipped", OUTSIDE_WINDOW, 1),
        ((-232,), "skipped", OUTSIDE_WINDOW, 1),
        ((-201,), "failed", "zalo error -201", 1),
        ((-213,), "blocked", "blocked", 1),
    ],
)
async def test_send_error_policy(
    fake: FakeZaloOa,
    conn: Db,
    errors: tuple[int, ...],
    kind: OutcomeKind,
    reason: str,
    calls: int,
) -> None:
    async with oa_sender(fake, conn) as sender:
        fake.fail_user("z14", *errors)
        started = time.monotonic()
        result = await sender.send_text("z14", "news")  # with the conversation's retries
    assert (result.kind, result.reason) == (kind, reason)
    assert fake.cs_calls == calls
    assert time.monotonic() - started < 1.0  # back-off delays come from the tuning


async def test_outbox_sends_make_one_attempt(fake: FakeZaloOa, conn: Db) -> None:
    async with oa_sender(fake, conn) as sender:
        fake.fail_user("z17", -32)
        user = Recipient("zalo-oa", "z17", "vi")
        limited = await sender.send(user, "news")
        sent = await sender.send(user, "news")
    assert (limited.kind, limited.seconds) == ("retry_after", FAST.rate_limit.base)
    assert sent.kind == "sent" and fake.cs_calls == 2 and sender.channel == "zalo-oa"


async def test_a_former_follower_is_marked_blocked(
    fake: FakeZaloOa, conn: Db, settings: Settings
) -> None:
    conversation = ScriptedConversation()
    fake.fail_user("z18", -213)
    async with running_oa(fake, conversation, conn, settings) as hook:
        await hook.post(fake.text_event("z18", "hello"))
        await hook.post(fake.text_event("z19", "marker"))
        await fake.wait_sent()
        for _ in range(50):
            if conversation.blocked:
                break
            await asyncio.sleep(0.02)
    assert conversation.blocked == [("zalo-oa", "z18")]


async def test_outside_the_window_is_skipped_without_a_call(fake: FakeZaloOa, conn: Db) -> None:
    await OaInteractions(conn).touch("z15", time.time() - 8 * 24 * 3600)
    async with oa_sender(fake, conn) as sender:
        result = await sender.send_text("z15", "news")
        long = await sender.send_text("z16", "\n\n".join(["paragraph " * 150] * 3))
    assert result == result.skipped(OUTSIDE_WINDOW)
    assert long.kind == "sent" and fake.cs_calls == 3  # three pieces, none to z15
    assert [len(t) <= 2000 for t in fake.texts("z16")] == [True] * 3


def test_signature_matches_the_documented_formula() -> None:
    from bot.channels.zalo_oa_api import signature

    event = {"app_id": APP_ID, "timestamp": "1700000000000", "event_name": "follow"}
    raw, headers = FakeZaloOa.sign(event)
    assert headers["X-ZEvent-Signature"] == "mac=" + signature(
        APP_ID, raw, "1700000000000", SECRET_KEY
    )
    assert json.loads(raw) == event
