"""``tourbot chat`` (the console channel) and ``tourbot ask`` (the eval contract)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.config import Settings


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--today", type=date_type, help="pretend today is this date")
    chat.add_argument("--user", default="console", help="user id to chat as")
    chat.set_defaults(handler="bot.cli.chat:chat_command")

    ask = sub.add_parser("ask", help="answer one question, or one per stdin line with '-'")
    ask.add_argument("question", help="the question, or '-' to read lines from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("--lang", choices=("auto", "vi", "en"), default="auto")
    ask.add_argument("--today", type=date_type, help="pretend today is this date")
    ask.set_defaults(handler="bot.cli.chat:ask_command")


def chat_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(chat(settings, args.today, args.user))


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

    app = await build_app(settings, (lambda: today) if today else None)
    try:
        user = await app.users.touch(console.CHANNEL, user_id, None)
        lang = user.lang or settings.default_lang
        assert app.conversation is not None  # built to answer
        return await console.chat(
            app.conversation, user_id, lang, stdin or sys.stdin, stdout or sys.stdout
        )
    finally:
        await app.close()


def ask_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(ask(settings, args))


async def ask(settings: Settings, args: argparse.Namespace) -> int:
    """``tourbot ask``: the JSON-lines contract of shared/eval/README.md."""
    from bot.app import build_app

    app = await build_app(settings, broadcasting=False)
    assert app.engine is not None and app.conversation is not None  # built to answer
    try:
        today = args.today or app.conversation.today()
        lines = sys.stdin if args.question == "-" else [args.question]
        for raw in lines:
            question = raw.rstrip("\n")
            lang = None if args.lang == "auto" else args.lang
            result = await app.engine.answer(question, today, lang=lang)
            reply = result.reply
            await app.questions.record(
                "cli", None, result.folded, reply.lang, reply.answered, result.matched
            )
            text = f"{reply.title}\n{reply.text}" if reply.title else reply.text
            if args.json:
                out = {
                    "question": question,
                    "lang": reply.lang,
                    "answered": reply.answered,
                    "text": text,
                    "items": [i.as_json() for i in reply.items],
                }
                print(json.dumps(out, ensure_ascii=False), flush=True)
            else:
                print(text, end="\n\n", flush=True)
    finally:
        await app.close()
    return 0
