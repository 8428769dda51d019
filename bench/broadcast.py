"""Broadcast benchmark: the outbox worker against the fake Bot API, with faults and a kill -9.

Runs, all against a fresh fake Bot API on 127.0.0.1 (real PTB ``Bot`` over HTTP):

1. baseline: naive sequential ``send_message`` in a loop, unpaced, no retries (what a
   first version of a broadcast usually is), with the same faults;
2. paced, no faults, 1,000 and 10,000 recipients in a worker process: achieved rate vs
   the configured rate, and peak memory (RSS and Python heap) to show it is flat in the
   number of recipients;
3. paced, with faults (1% 429 retry_after=1, 1% 403, 0.5% time-outs), 10,000 recipients;
   the worker process is killed with SIGKILL at 40% and a new one started on the same
   database: final accounting (sent + failed + skipped = N, 0 lost) and duplicates
   against the in-flight window (rows leased when the kill landed).

The configured rate is 200 msg/s by default (Telegram's real limit is ~30/s; production
runs 25/s): the worker's pacing is the same at any rate, and the run stays short (about
5 minutes, most of it the hundred one-second flood waits). At 200/s a worker needs about
one CPU core (PTB and httpx cost ~4-5 ms of CPU per message) next to the fake server, so
on a busy 2-core machine ``--rate 100`` measures the pacing rather than the CPU.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--small 1000] [--rate 200]
        [--skip-baseline] [--skip-crash]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bot`` and ``tests.fakes`` importable
    sys.path.insert(0, str(ROOT))
os.environ["NO_PROXY"] = "127.0.0.1,localhost"

from telegram import Bot  # noqa: E402
from telegram.error import TelegramError  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.broadcast.config import BroadcastSettings  # noqa: E402
from bot.broadcast.runtime import Broadcasting  # noqa: E402
from bot.broadcast.service import Actor  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.loader import require_content  # noqa: E402
from bot.store.db import connect  # noqa: E402
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram  # noqa: E402

SCRIPT = Path(__file__).resolve()
FIRST_CHAT = 10_000_000
SEND_TIMEOUT = 0.3  # a "time-out" fault answers after twice this
SEED = 7


# -- fixtures --------------------------------------------------------------------------


async def make_db(path: Path, n: int) -> None:
    """N subscribers (a third reading English). Fixture data written in bulk with plain
    SQL: the bot itself only ever adds users one by one through its repositories."""
    conn = await connect(path)
    users = [("telegram", str(FIRST_CHAT + i), "en" if i % 3 == 0 else "vi") for i in range(n)]
    await conn.write_many("INSERT INTO users (channel, user_id, lang) VALUES (?, ?, ?)", users)
    await conn.write_many(
        "INSERT INTO subscriptions (channel, user_id, topic) VALUES (?, ?, 'all')",
        [(c, u) for c, u, _lang in users],
    )
    await conn.close()


def inject_faults(fake: FakeTelegram, n: int) -> dict[str, set[int]]:
    rng = random.Random(SEED)
    chats = rng.sample(range(FIRST_CHAT, FIRST_CHAT + n), k=n * 25 // 1000)
    flood, blocked, slow = chats[: n // 100], chats[n // 100 : n // 50], chats[n // 50 :]
    for chat in flood:
        fake.fail("sendMessage", 429, chat_id=chat, retry_after=1)
    for chat in blocked:
        fake.fail("sendMessage", 403, chat_id=chat)
    for chat in slow:
        fake.slow("sendMessage", SEND_TIMEOUT * 2, chat_id=chat)
    return {"429": set(flood), "403": set(blocked), "timeout": set(slow)}


def median_per_second(calls: list[Call]) -> float:
    """The median of the per-second send counts over the whole seconds of a run: the
    pace itself, not the stalls a busy shared machine adds now and then."""
    first = min(c.time for c in calls)
    counts = Counter(int(c.time - first) for c in calls)
    full = [counts[s] for s in range(int(max(counts)))]  # the last second is partial
    return float(statistics.median(full)) if full else float(len(calls))


def peak_per_second(calls: list[Call]) -> int:
    times = sorted(c.time for c in calls)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@contextlib.asynccontextmanager
async def fake_api() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


# -- the worker process ----------------------------------------------------------------


async def worker_main(args: argparse.Namespace) -> None:
    """Run one worker until every row is done; print one JSON line of measurements."""
    settings = Settings(
        _env_file=None,
        TOURBOT_DB=args.db,
        TOURBOT_CONTENT=ROOT / "content",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TOURBOT_TELEGRAM_BASE_URL=args.base_url,
    )
    config = BroadcastSettings(
        _env_file=None,
        rate=args.rate,
        send_timeout=SEND_TIMEOUT,
        backoff=0.5,
        poll_interval=0.2,
        lease_timeout=2.0,
    )
    pack = require_content(settings.content_dir)
    bc = await Broadcasting.open(settings, lambda: pack, config)
    try:
        if args.create:
            audience = bc.service.audience("all")
            await bc.service.create(Actor("cli", "bench"), "Tin vui", "Good news", audience, None)
            print("created", flush=True)
        worker = bc.worker()
        stop = asyncio.Event()
        started = time.perf_counter()
        task = asyncio.create_task(worker.run(stop))
        blocks = 0
        while True:
            await asyncio.sleep(0.2)
            # Python objects alive now (sampled): grows with the audience if anything
            # is kept per recipient. (tracemalloc would slow the worker three times.)
            blocks = max(blocks, sys.getallocatedblocks())
            recent = await bc.outbox.recent(1)
            if recent and recent[0].status in ("done", "cancelled"):
                break
        elapsed = time.perf_counter() - started
        stop.set()
        await task
    finally:
        await bc.close()
    import resource

    result = {
        "sent": worker.stats.sent,
        "failed": worker.stats.failed,
        "skipped": worker.stats.skipped,
        "flood_waits": worker.stats.flood_waits,
        "retried": worker.stats.retried,
        "errors": dict(worker.stats.errors),
        "paused": worker.pacer.paused_total,
        "elapsed": elapsed,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime
        + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
        "blocks_peak": blocks,
    }
    print(json.dumps(result), flush=True)


async def spawn(
    db: Path, fake: FakeTelegram, rate: float, *flags: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        "_worker",
        "--db",
        str(db),
        "--base-url",
        fake.base_url,
        "--rate",
        str(rate),
        *flags,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def result_of(proc: asyncio.subprocess.Process) -> dict[str, Any]:
    out, _err = await proc.communicate()
    for line in reversed(out.decode().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise RuntimeError(f"worker printed no result (exit {proc.returncode})")


async def db_counts(db: Path) -> Counter[str]:
    conn = await connect(db)
    rows = await conn.all("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
    counts = Counter({str(s): int(n) for s, n in rows})
    await conn.close()
    return counts


async def db_sent_chats(db: Path) -> set[int]:
    conn = await connect(db)
    rows = await conn.all("SELECT user_id FROM deliveries WHERE status = 'sent'")
    chats = {int(r[0]) for r in rows}
    await conn.close()
    return chats


# -- the runs --------------------------------------------------------------------------


async def baseline(n: int, workdir: Path) -> dict[str, Any]:
    """Naive: every recipient in turn, as fast as the API answers, errors swallowed."""
    async with fake_api() as fake:
        faults = inject_faults(fake, n)
        request = HTTPXRequest(read_timeout=SEND_TIMEOUT, connect_timeout=SEND_TIMEOUT)
        errors: Counter[str] = Counter()
        started = time.perf_counter()
        async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
            for chat in range(FIRST_CHAT, FIRST_CHAT + n):
                try:
                    await bot.send_message(chat, "Good news")
                except TelegramError as exc:
                    errors[type(exc).__name__] += 1
        elapsed = time.perf_counter() - started
        calls = fake.calls_of("sendMessage")
        delivered = {c.chat_id for c in calls if c.status == 200}
        wanted = set(range(FIRST_CHAT, FIRST_CHAT + n)) - faults["403"]
        return {
            "elapsed": elapsed,
            "rate": len(calls) / elapsed,
            "peak_1s": peak_per_second(calls),
            "lost": len(wanted - delivered),
            "errors": dict(errors),
        }


async def clean_run(n: int, rate: float, workdir: Path) -> dict[str, Any]:
    db = workdir / f"clean-{n}.sqlite3"
    await make_db(db, n)
    async with fake_api() as fake:
        proc = await spawn(db, fake, rate, "--create")
        result = await result_of(proc)
        calls = fake.calls_of("sendMessage")
        first, last = min(c.time for c in calls), max(c.time for c in calls)
        result["rate"] = (len(calls) - 1) / (last - first)
        result["peak_1s"] = peak_per_second(calls)
        result["median_1s"] = median_per_second(calls)
        result["counts"] = dict(await db_counts(db))
        return result


def paused_seconds(calls: list[Call], seconds: float = 1.0) -> float:
    """Length of the union of [429 answer, + retry_after): the time every send must wait."""
    total, until = 0.0, float("-inf")
    for t in sorted(c.time for c in calls if c.status == 429):
        total += max(0.0, t + seconds - max(t, until))
        until = max(until, t + seconds)
    return total


async def crash_run(n: int, rate: float, workdir: Path) -> dict[str, Any]:
    db = workdir / f"crash-{n}.sqlite3"
    await make_db(db, n)
    async with fake_api() as fake:
        faults = inject_faults(fake, n)
        delivered = 0

        def count(call: Call) -> None:
            nonlocal delivered
            delivered += call.method == "sendMessage" and call.status == 200

        fake.on_call = count
        proc = await spawn(db, fake, rate, "--create")
        started = time.perf_counter()
        while delivered < n * 0.4:
            if proc.returncode is not None:
                raise RuntimeError("the worker ended before the kill")
            await asyncio.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        killed_at = time.perf_counter()
        before = len(fake.calls_of("sendMessage"))
        in_flight = (await db_counts(db))["sending"]
        second = await result_of(await spawn(db, fake, rate))
        total = time.perf_counter() - started
        calls = fake.calls_of("sendMessage")
        per_chat = Counter(c.chat_id for c in calls if c.status == 200)
        counts = await db_counts(db)
        everyone = set(range(FIRST_CHAT, FIRST_CHAT + n))
        never_delivered = (everyone - faults["403"]) - set(per_chat)
        recorded_not_delivered = await db_sent_chats(db) - set(per_chat)
        timeouts = faults["timeout"]
        gap = calls[before].time - calls[before - 1].time  # kill → restart → first send
        span = calls[-1].time - calls[0].time
        return {
            "killed_after": killed_at - started,
            "calls_before_kill": before,
            "in_flight": in_flight,
            "gap": gap,
            "total": total,
            "second": second,
            "counts": dict(counts),
            "accounted": sum(counts[s] for s in ("sent", "failed", "skipped")),
            "open": counts["pending"] + counts["sending"],
            "lost": len(never_delivered) + len(recorded_not_delivered),
            "dup_crash": sum(k - 1 for c, k in per_chat.items() if c not in timeouts),
            "dup_timeout": sum(per_chat[c] - 1 for c in timeouts),
            "timeouts": len(timeouts),
            "paused": paused_seconds(calls),
            "rate_overall": (len(calls) - 1) / span,
            "rate_active": (len(calls) - 1) / (span - gap - paused_seconds(calls)),
            "peak_1s": peak_per_second(calls),
        }


async def main(args: argparse.Namespace) -> int:
    # The kill -9 drops connections mid-request; the fake's server would log each one.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    n, rate = args.recipients, args.rate
    with tempfile.TemporaryDirectory(prefix="tourbot-bench-") as tmp:
        workdir = Path(tmp)
        print(f"broadcast benchmark: {n:,} recipients, configured rate {rate:g} msg/s\n")
        if not args.skip_baseline:
            b = await baseline(n, workdir)
            print("1. baseline: naive sequential send_message, unpaced, no retries, same faults")
            print(
                f"   {b['rate']:.0f} msg/s over {b['elapsed']:.1f} s; peak {b['peak_1s']} msgs in"
                f" one second (Telegram allows ~30); lost {b['lost']} of {n:,}"
                f" (429 and time-outs not retried); errors {b['errors']}\n"
            )
        print("2. outbox worker, no faults (a worker process)")
        for size in (args.small, n):
            r = await clean_run(size, rate, workdir)
            print(
                f"   {size:>6,} recipients: {r['rate']:.1f} msg/s = {r['rate'] / rate:.1%} of"
                f" {rate:g} (median second: {r['median_1s']:.0f}); peak {r['peak_1s']} in one"
                f" second; worker CPU {1000 * r['cpu_s'] / size:.1f} ms/msg; peak RSS"
                f" {r['max_rss_mib']:.1f} MiB; Python blocks peak {r['blocks_peak']:,};"
                f" rows {r['counts']}"
            )
        print()
        if args.skip_crash:
            return 0
        c = await crash_run(n, rate, workdir)
        print("3. outbox worker, faults: 1% 429 (retry_after=1), 1% 403, 0.5% time-outs;")
        print("   the worker process is killed with SIGKILL at 40% and a new one started")
        print(
            f"   killed after {c['killed_after']:.1f} s ({c['calls_before_kill']:,} calls);"
            f" rows leased at the kill (the in-flight window): {c['in_flight']}"
        )
        print(
            f"   kill to the new worker's first send: {c['gap']:.1f} s (its start-up; rows"
            f" leased by the dead one wait for the 2 s lease); total {c['total']:.1f} s"
        )
        print(
            f"   final rows {c['counts']}: sent + failed + skipped = {c['accounted']:,} of"
            f" {n:,}; still open {c['open']}; lost {c['lost']}"
        )
        print(
            f"   duplicates from the crash: {c['dup_crash']} (<= in-flight {c['in_flight']});"
            f" after time-outs: {c['dup_timeout']} of {c['timeouts']} (a timed-out request"
            " may have been delivered: Telegram has no idempotency key)"
        )
        print(
            f"   rate overall {c['rate_overall']:.1f} msg/s; flood-control pauses"
            f" {c['paused']:.1f} s; rate outside pauses and the restart gap"
            f" {c['rate_active']:.1f} msg/s = {c['rate_active'] / rate:.1%} of {rate:g};"
            f" peak {c['peak_1s']} in one second"
        )
        ok = c["accounted"] == n and c["lost"] == 0 and c["dup_crash"] <= c["in_flight"]
        print("\nOK" if ok else "\nFAILED")
        return 0 if ok else 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode")
    worker = sub.add_parser("_worker", help=argparse.SUPPRESS)
    worker.add_argument("--db", type=Path, required=True)
    worker.add_argument("--base-url", required=True)
    worker.add_argument("--rate", type=float, required=True)
    worker.add_argument("--create", action="store_true")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-crash", action="store_true", help="runs 1 and 2 only")
    return parser.parse_args(argv)


if __name__ == "__main__":
    parsed = parse(sys.argv[1:])
    if parsed.mode == "_worker":
        asyncio.run(worker_main(parsed))
        sys.exit(0)
    sys.exit(asyncio.run(main(parsed)))
