"""``tourbot chat`` (the console channel) and ``tourbot ask`` (the eval contract)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TextIO

from bot.config import Settings

ASK_CHANNEL = "cli"


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--today", type=date_type, help="pretend today is this date")
    chat.add_argument("--user", default="console", help="user id to chat as")
    chat.set_defaults(handler="bot.cli.chat:chat_command")

    ask = sub.add_parser("ask", help="answer one question, or one per stdin line with '-'")
    ask.add_argument("question", help="the question, or '-' to read lines from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument(
        "--lang",
        choices=("auto", "vi", "en"),
        default="auto",
        help="answer in this language (default: the question's own)",
    )
    ask.add_argument("--today", type=date_type, help="pretend today is this date")
    ask.add_argument(
        "--session",
        metavar="NAME",
        help="the lines are one visitor's conversation: context carries from line to line",
    )
    ask.set_defaults(handler="bot.cli.chat:ask_command")


def chat_command(settings: Settings, args: argparse.Namespace) -> int:
    """Ctrl-C ends it: ``main`` reports exit 130, and the read of stdin still blocked in
    a thread does not keep the process alive (``_DaemonThreads``)."""
    with asyncio.Runner() as runner:
        runner.get_loop().set_default_executor(_DaemonThreads())
        return runner.run(chat(settings, args.today, args.user))


class _DaemonThreads(ThreadPoolExecutor):
    """Runs every call on a daemon thread of its own and never waits for one at
    shutdown: asyncio would otherwise wait at Ctrl-C for ``readline`` to return."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)

        threading.Thread(target=work, name="tourbot-chat-io", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        return None


async def chat(
    settings: Settings,
    today: dt.date | None,
    user_id: str = "console",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """The console channel on the bundled content and the embedded database."""
    from bot.app import build_app
    from bot.channels import console
    from bot.core.models import Inbound

    app = await build_app(settings, (lambda: today) if today else None)
    out = stdout or sys.stdout
    try:
        assert app.conversation is not None  # built to answer
        # The bot's own welcome (/start), in the visitor's language or the default one;
        # its menu's numbers work at the first prompt (the dialogue state offers them).
        welcome = Inbound(console.CHANNEL, user_id, user_id, text="/start")
        for reply in await app.conversation.handle(welcome):
            out.write(console.render(reply)[0] + "\n\n")
        user = await app.users.touch(console.CHANNEL, user_id, None)
        lang = user.lang or settings.default_lang
        return await console.chat(app.conversation, user_id, lang, stdin or sys.stdin, out)
    finally:
        await app.close()


def ask_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(ask(settings, args))


async def ask(settings: Settings, args: argparse.Namespace) -> int:
    """``tourbot ask``: the JSON-lines contract of shared/eval/README.md, answered by the
    same dispatcher as the messengers. Without ``--session`` every line is a new visitor;
    with it the lines are one visitor's conversation (a number picks an option)."""
    from bot.app import build_app
    from bot.core.models import Inbound

    today = args.today
    app = await build_app(settings, (lambda: today) if today else None, broadcasting=False)
    assert app.conversation is not None  # built to answer
    hint = None if args.lang == "auto" else args.lang
    users: set[str] = set()
    try:
        lines = sys.stdin if args.question == "-" else [args.question]
        for number, raw in enumerate(lines):
            question = raw.rstrip("\n")
            user = f"session:{args.session}" if args.session else f"line:{number}"
            if not args.session or number == 0:
                # A fresh visitor: no history from an earlier run on this database.
                await app.users.forget(ASK_CHANNEL, user)
            users.add(user)
            msg = Inbound(ASK_CHANNEL, user, user, text=question, language_hint=hint)
            replies = await app.conversation.handle(msg)
            _print(question, replies, args.json)
    finally:
        try:
            # Operators' and evaluations' questions are not visitors': kept out of the
            # staff statistics and the unanswered report.
            for user in users:
                await app.users.forget(ASK_CHANNEL, user)
        finally:
            await app.close()
    return 0


def _print(question: str, replies: list[Any], as_json: bool) -> None:
    texts = [f"{r.title}\n{r.text}" if r.title else r.text for r in replies]
    text = "\n\n".join(t for t in texts if t.strip())
    if not as_json:
        print(text, end="\n\n", flush=True)
        return
    first = replies[0] if replies else None
    out = {
        "question": question,
        "lang": first.lang if first else "vi",
        "answered": all(r.answered for r in replies) if replies else False,
        "text": text,
        "items": [i.as_json() for r in replies for i in r.items],
    }
    print(json.dumps(out, ensure_ascii=False), flush=True)
