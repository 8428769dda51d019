"""What the dialogue state costs a message: SQL statements and time, with and without it.

Plays the same conversations (200 visitors, follow-ups included) through the real
dispatcher on a fresh SQLite file twice: as shipped (state read with the user's upsert,
written behind the replies in batches), and with a keeper that never stores anything
(the baseline: no context at all). Counts every statement SQLite runs (trace callback)
and the time per message. Run: `python bench/dialogue.py [--messages 2000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_app
from bot.config import Settings
from bot.core.dialogue import DialogueKeeper, DialogueState
from bot.core.models import Inbound
from bot.store.users import User

TURNS = (
    "Tell me about Côn Sơn",
    "how far is it from Hanoi?",
    "khi nào có lễ hội",
    "chùa Vĩnh Nghiêm",
    "gần đó có gì",
    "2",
    "hội Lim",
    "nhắc tôi",
)


class Forgetful(DialogueKeeper):
    """The baseline: no state is ever kept (every message starts afresh)."""

    def state_of(self, user: User) -> DialogueState:
        return DialogueState()

    def update(self, user: User, state: DialogueState) -> None:
        return None


async def run(messages: int, forgetful: bool) -> tuple[float, float, float]:
    """(statements per message, median ms, p99 ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, TOURBOT_DB=Path(tmp) / "b.db")  # type: ignore[call-arg]
        app = await build_app(settings, lambda: dt.date(2026, 12, 2), broadcasting=False)
        assert app.conversation is not None
        if forgetful:
            app.conversation.dialogues = Forgetful(app.users, 3600.0)
        statements = 0

        def count(_sql: str) -> None:
            nonlocal statements
            statements += 1

        await app.db.conn.set_trace_callback(count)
        rng = random.Random(7)
        timings: list[float] = []
        for n in range(messages):
            user = str(rng.randrange(200))
            text = TURNS[n % len(TURNS)]
            start = time.perf_counter()
            await app.conversation.handle(Inbound("bench", user, user, text=text))
            timings.append((time.perf_counter() - start) * 1000)
        await app.conversation.dialogues.flush()
        await app.db.conn.set_trace_callback(None)
        await app.close()
    timings.sort()
    return statements / messages, statistics.median(timings), timings[int(0.99 * len(timings))]


async def main(args: argparse.Namespace) -> int:
    rows = []
    for label, forgetful in (("no dialogue state (baseline)", True), ("dialogue state", False)):
        rows.append((label, *(await run(args.messages, forgetful))))
    print(f"{'':32} {'SQL/msg':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, per, p50, p99 in rows:
        print(f"{label:32} {per:8.2f} {p50:8.2f} {p99:8.2f}")
    extra = rows[1][1] - rows[0][1]
    print(f"extra statements per message with the state: {extra:.2f} (batched, off the reply path)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    sys.exit(asyncio.run(main(parser.parse_args())))
