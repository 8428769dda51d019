"""Command-line interface: ``tourbot chat|ask|content|events|lunar|run|...``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tourbot", description=__doc__)
    parser.add_argument("--db", type=Path, help="SQLite file (default: $TOURBOT_DB or data/)")
    parser.add_argument("--content", type=Path, help="content folder (default: content/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--today", type=_date, help="pretend today is this date")
    chat.add_argument("--user", default="console", help="user id to chat as")

    ask = sub.add_parser("ask", help="answer one question, or one per stdin line with '-'")
    ask.add_argument("question", help="the question, or '-' to read lines from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("--lang", choices=("auto", "vi", "en"), default="auto")
    ask.add_argument("--today", type=_date, help="pretend today is this date")

    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate the content folder")
    check.add_argument("--json", action="store_true")

    from bot.cli_calendar import add_calendar_commands

    add_calendar_commands(sub, _date)
    from bot.cli_run import add_run_command

    add_run_command(sub)
    from bot.cli_links import add_link_commands

    add_link_commands(sub)
    from bot.cli_staff_args import add_staff_commands

    add_staff_commands(sub)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if args.db:
        overrides["TOURBOT_DB"] = args.db
    if args.content:
        overrides["TOURBOT_CONTENT"] = args.content
    return Settings(**overrides)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = _settings(args)
    from bot.redact import install_redaction

    install_redaction(settings)  # tokens never reach a log line, whatever logs them
    if args.command == "content":
        return content_check(settings, args.json)
    if args.command == "ask":
        return asyncio.run(ask(settings, args))
    if args.command == "chat":
        from bot.channels.console import chat

        return asyncio.run(chat(settings, args.today, args.user))
    if args.command in ("links", "qr"):
        from bot.cli_links import run_link_command

        return run_link_command(settings, args)
    if args.command == "run":
        from bot.cli_run import run_command

        return run_command(settings, args)
    from bot.cli_staff_args import STAFF_COMMANDS

    if args.command in STAFF_COMMANDS:
        from bot.cli_staff import run_staff_command

        return run_staff_command(settings, args)
    from bot.cli_calendar import run_calendar_command

    return run_calendar_command(settings, args)


def content_check(settings: Settings, as_json: bool) -> int:
    """``tourbot content check``: every problem as ``file: field: message``."""
    from collections import Counter

    from bot.content.loader import load_content

    pack, problems = load_content(settings.content_dir)
    if as_json:
        counts = Counter(i.kind for i in pack.items.values()) if pack else Counter()
        print(
            json.dumps(
                {
                    "counts": dict(sorted(counts.items())),
                    "errors": [
                        {"file": p.file, "field": p.field, "message": p.message} for p in problems
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        for problem in problems:
            print(problem)
        if pack is not None:
            counts = Counter(i.kind for i in pack.items.values())
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            print(f"ok: {len(pack.items)} items ({summary})")
        else:
            print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


async def ask(settings: Settings, args: argparse.Namespace) -> int:
    """``tourbot ask``: the JSON-lines contract of shared/eval/README.md."""
    from bot.app import build_app

    app = await build_app(settings, broadcasting=False)
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
