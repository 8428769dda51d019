"""End-to-end Telegram benchmark: the real PTB application polling the fake Bot API.

200 simulated users send 2,000 updates at a steady rate (open loop: a slow bot does not
slow the senders down); we measure updates/s and reply latency (push → the fake receiving
the first ``sendMessage`` for that update), check that no reply is lost, duplicated or
out of order, and compare the channel's per-chat ordered concurrency with strictly
sequential processing (the baseline) and with PTB's default httpx transport, under the
same load. The core runs in a process of its own, as ``tourbot run`` serves by default
(bot/coreproc/); one more mode keeps it in the bot's process, for comparison. A
burst (all updates queued at once) shows the ceiling of each mode; the core called
directly, without Telegram, shows the ceiling of any channel.

The fake server and the load generator run in a child process, as Telegram runs on
other machines: in-process they would eat half of the CPU being measured. Latency is
measured in that process, on one clock. ``--api-latency`` adds a delay to every Bot API
answer, to see the effect of a real network round trip.

    .venv/bin/python bench/telegram_e2e.py [--users 200] [--updates 2000] [--rate 300]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bot`` and ``tests.fakes`` importable
    sys.path.insert(0, str(ROOT))
os.environ["NO_PROXY"] = "127.0.0.1,localhost"

from bot import service  # noqa: E402
from bot.channels.telegram import TelegramTuning, build_application, run_polling  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.loader import require_content  # noqa: E402
from bot.core.models import Inbound, Reply  # noqa: E402
from bot.core.ports import Conversation  # noqa: E402
from bot.coreproc.supervisor import CoreProcess  # noqa: E402
from bot.store.db import connect  # noqa: E402
from bot.store.inbox import TelegramInbox  # noqa: E402
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram  # noqa: E402

TAG_RE = re.compile(r"\[u(\d+)\.(\d+)\]")
FIRST_USER = 1_000_000
REAL_CORE_TEXTS = (
    "/start",
    "lễ hội tháng giêng",
    "hội Lim",
    "festivals in spring",
    "/events",
    "tour 2 ngày",
    "chùa Vĩnh Nghiêm ở đâu",
    "/places",
    "what to see in Lạng Sơn",
    "ATK Định Hóa",
)
Plan = list[tuple[int, str, str]]  # (user id, text, language code) per update


# -- the child process: fake Bot API + load generator + clock ------------------------------
async def _serve_fake(conn: Connection, api_latency: float) -> None:
    async with FakeTelegram() as fake:
        if api_latency:
            for method in ("sendMessage", "sendVenue", "answerCallbackQuery", "getUpdates"):
                fake.slow(method, api_latency, times=10**9)
        conn.send(fake.port)
        while True:
            command, *args = await asyncio.to_thread(conn.recv)
            if command == "stop":
                return
            if command == "reset":
                fake.calls.clear()
                # The fake is the measuring instrument: a full collection of its heap
                # (calls, timestamps) during a run stalled it ~100 ms, which showed up as
                # reply latency and push lag. The bot gets the same treatment at start-up.
                gc.collect()
                gc.freeze()
                conn.send("ok")
            elif command == "wait_polling":
                await fake.wait_for("getUpdates", timeout=30)
                conn.send("ok")
            elif command == "run":
                conn.send(await _load(fake, *args))


async def _load(fake: FakeTelegram, plan: Plan, rate: float | None) -> dict[str, Any]:
    first_seen: dict[int, float] = {}
    counts: dict[tuple[int, int], int] = {}
    done = asyncio.Event()

    def on_call(call: Call) -> None:
        if call.method != "sendMessage" or call.status != 200:
            return
        for seq_s, k_s in TAG_RE.findall(call.text):
            key = (int(seq_s), int(k_s))
            counts[key] = counts.get(key, 0) + 1
            first_seen.setdefault(key[0], call.time)
        if len(first_seen) == len(plan):
            done.set()

    fake.on_call = on_call
    pushed: list[float] = []
    lag = 0.0
    start = time.perf_counter()
    for seq, (user, text, lang) in enumerate(plan):
        if rate is not None:
            due = start + seq / rate
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
            lag = max(lag, time.perf_counter() - due)
        update_id = fake.push_message(user, text, language_code=lang)
        pushed.append(fake.pushed_at[update_id])
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), 300)
    end = max(first_seen.values(), default=time.perf_counter())
    await asyncio.sleep(0.3)  # late duplicates would show up here
    fake.on_call = None
    return {
        "seconds": end - start,
        "latencies": [first_seen[s] - pushed[s] for s in first_seen],
        "lost": len(plan) - len(first_seen),
        "duplicated": sum(n - 1 for n in counts.values() if n > 1),
        "push_lag_ms": lag * 1000,
    }


def _fake_process(conn: Connection, api_latency: float) -> None:
    asyncio.run(_serve_fake(conn, api_latency))


class FakeProcess:
    """The parent's handle on the child: asks questions without blocking the event loop."""

    def __init__(self, api_latency: float) -> None:
        self._conn, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_fake_process, args=(child, api_latency), daemon=True
        )
        self._process.start()
        self.port: int = self._conn.recv()

    async def ask(self, *command: Any) -> Any:
        self._conn.send(command)
        return await asyncio.to_thread(self._conn.recv)

    def close(self) -> None:
        self._conn.send(("stop",))
        self._process.join(10)


# -- the parent: the application under test -------------------------------------------------
class EchoConversation:
    """Stand-in core when ``bot.app`` is unusable: echoes after 2 ms of awaited "I/O",
    roughly one SQLite round trip."""

    async def handle(self, msg: Inbound) -> list[Reply]:
        await asyncio.sleep(0.002)
        return [Reply(text=f"echo: {msg.text}", lang=msg.language_hint or "vi")]

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        return []

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        return None


class Tagged:
    """Wraps the core and stamps each reply with the id of the update it answers.

    The channel promises that a chat's updates reach the core in push order, so the
    chat's next expected id is the right one; comparing the text catches reordering."""

    def __init__(self, inner: Conversation, plan: Plan) -> None:
        self.inner = inner
        self.expected: dict[str, deque[tuple[int, str]]] = {}
        for seq, (user, text, _lang) in enumerate(plan):
            self.expected.setdefault(str(user), deque()).append((seq, text))
        self.out_of_order = 0

    async def handle(self, msg: Inbound) -> list[Reply]:
        seq, text = self.expected[msg.chat_id].popleft()
        if text != msg.text:
            self.out_of_order += 1
        replies = await self.inner.handle(msg) or [Reply(text="(no reply)", lang="vi")]
        return [
            dataclasses.replace(r, text=f"[u{seq}.{k}] {r.text}") for k, r in enumerate(replies)
        ]

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        return await self.inner.cards(query, lang, limit)

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        await self.inner.mark_blocked(channel, user_id)


@dataclasses.dataclass
class Result:
    name: str
    updates: int
    seconds: float
    latencies: list[float]
    lost: int
    duplicated: int
    out_of_order: int
    push_lag_ms: float

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def percentile(self, q: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(len(lat) * q))] * 1000 if lat else float("inf")

    def line(self) -> str:
        p50 = statistics.median(self.latencies) * 1000 if self.latencies else float("inf")
        return (
            f"{self.name:<36} {self.rate:6.0f} upd/s  p50 {p50:7.1f} ms  p99"
            f" {self.percentile(0.99):7.1f} ms  max {self.percentile(1.0):7.1f} ms  lost"
            f" {self.lost}  dup {self.duplicated}  order {self.out_of_order}"
            f"  push-lag {self.push_lag_ms:.0f} ms"
        )


@contextlib.asynccontextmanager
async def real_or_echo(choice: str) -> AsyncIterator[tuple[Conversation, str, Settings | None]]:
    """The real core from ``bot.app`` on a fresh database, else the echo stand-in; with
    the real core, also settings for a core process on a database of its own."""
    if choice == "echo":
        yield EchoConversation(), "the echo stand-in (--core echo)", None
        return
    with tempfile.TemporaryDirectory() as tmp:
        try:
            from bot.app import build_app

            db = Path(tmp) / "bench.sqlite3"
            app = await build_app(Settings(_env_file=None, TOURBOT_DB=db))
        except Exception as exc:  # an unfinished core must not block the channel benchmark
            if choice == "real":
                raise
            yield EchoConversation(), f"the echo stand-in (real core unavailable: {exc!r})", None
            return
        try:
            service.settle_heap()  # as `tourbot run` does after start-up
            child = Settings(_env_file=None, TOURBOT_DB=Path(tmp) / "child.sqlite3")
            label = "the real core (bot.app.build_app, fresh SQLite database)"
            yield app.conversation, label, child
        finally:
            await app.close()


async def run_load(
    name: str,
    fake: FakeProcess,
    core: Conversation,
    plan: Plan,
    tuning: TelegramTuning,
    rate: float | None,
) -> Result:
    tagged = Tagged(core, plan)
    base_url = f"http://127.0.0.1:{fake.port}/bot"
    settings = Settings(
        _env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TOURBOT_TELEGRAM_BASE_URL=base_url
    )
    await fake.ask("reset")
    stop = asyncio.Event()
    with tempfile.TemporaryDirectory() as tmp:
        # As `tourbot run` serves: every update stored until handled (telegram_inbox).
        db = await connect(Path(tmp) / "channel.sqlite3")
        try:
            app = build_application(settings, tagged, tuning, TelegramInbox(db))
            task = asyncio.create_task(run_polling(app, stop, tuning.poll_interval))
            await fake.ask("wait_polling")
            try:
                out = await fake.ask("run", plan, rate)
            finally:
                stop.set()
                await task
        finally:
            await db.close()
    return Result(name=name, updates=len(plan), out_of_order=tagged.out_of_order, **out)


async def core_alone(core: Conversation, plan: Plan) -> float:
    """Messages/s of the core called directly, one at a time: the ceiling for any channel."""
    start = time.perf_counter()
    for user, text, lang in plan:
        await core.handle(Inbound("telegram", str(user), str(user), text=text, language_hint=lang))
    return len(plan) / (time.perf_counter() - start)


def make_plan(users: int, updates: int, texts: tuple[str, ...], seed: int = 7) -> Plan:
    rng = random.Random(seed)
    return [
        (FIRST_USER + rng.randrange(users), rng.choice(texts), rng.choice(("vi", "en")))
        for _ in range(updates)
    ]


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    fake = FakeProcess(args.api_latency / 1000)
    core_process: CoreProcess | None = None
    try:
        async with real_or_echo(args.core) as (local, label, child_settings):
            texts = (
                ("hello", "hi there") if isinstance(local, EchoConversation) else REAL_CORE_TEXTS
            )
            plan = make_plan(args.users, args.updates, texts)
            print(f"core: {label}")
            print(
                f"load: {args.users} users, {args.updates} updates, Bot API latency"
                f" {args.api_latency:.0f} ms; steady {args.rate:.0f}/s, then all at once"
            )
            print(f"core alone, no Telegram: {await core_alone(local, plan):.0f} msg/s")
            # As `tourbot run` serves by default: the core in a process of its own.
            core: Conversation = local
            if child_settings is not None:
                pack = require_content(child_settings.content_dir)
                core = core_process = await CoreProcess.start(child_settings, pack)
                await core_alone(core, plan[:200])  # warm its caches as `local` was
                service.settle_heap()
            modes = (
                ("ours", core, TelegramTuning()),
                ("ours, core in the bot's process", local, TelegramTuning()),
                ("sequential (baseline)", core, TelegramTuning(max_concurrent_updates=1)),
                ("ours on PTB's httpx transport", core, TelegramTuning(http="httpx")),
            )
            results: list[Result] = []
            for mode, conversation, tuning in modes:
                if mode.startswith("ours, core") and conversation is core:
                    continue  # the echo stand-in has no process of its own
                for shape, rate in ((f"@{args.rate:.0f}/s", args.rate), ("burst", None)):
                    name = f"{mode} {shape}"
                    result = await run_load(name, fake, conversation, plan, tuning, rate)
                    print(result.line(), flush=True)
                    results.append(result)
    finally:
        if core_process is not None:
            await core_process.close()
        fake.close()
    steady, burst = results[0], results[1]
    sound = all(r.lost == 0 and r.duplicated == 0 and r.out_of_order == 0 for r in results)
    # Open loop: the steady run can only go as fast as it is fed, so "sustains the rate"
    # means it kept up with it (within 3 %) at a p99 under 100 ms; the burst is the ceiling.
    kept_up = args.rate >= 300 and steady.rate >= 0.97 * args.rate
    fast = kept_up and steady.percentile(0.99) <= 100 and burst.rate >= 300
    print(f"no lost, duplicated or reordered reply: {'yes' if sound else 'NO'}")
    print(
        f"target (ours): sustains >= 300 upd/s with p99 <= 100 ms, ceiling >= 300 upd/s:"
        f" {'met' if fast else 'MISSED'}"
    )
    return 0 if sound and fast else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=300.0, help="steady updates per second")
    parser.add_argument("--api-latency", type=float, default=0.0, help="ms per Bot API answer")
    parser.add_argument("--core", choices=("auto", "real", "echo"), default="auto")
    sys.exit(service.run(main(parser.parse_args())))  # the event loop of `tourbot run`
