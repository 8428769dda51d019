"""Command-line interface: ``tourbot chat|ask|content|events|lunar|run|announce|...``.

Each command group is one module of this package with a ``register(sub, date_type)``
that adds its subcommands and names, as ``handler``, the function that runs them
("module:function", imported only when that command runs: ``tourbot ask`` must start
fast, and the staff commands import the whole broadcast side).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from bot.config import Settings

# The modules that register commands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "bot.cli.chat",
    "bot.cli.content",
    "bot.cli.calendar",
    "bot.cli.run",
    "bot.cli.links",
    "bot.cli.staff",
)

Handler = Callable[[Settings, argparse.Namespace], int]


def date_type(value: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tourbot",
        description="tourbot: a bilingual tourism chatbot for Bắc Giang and its partner"
        " provinces, and the tools its staff use.",
    )
    parser.add_argument("--db", type=Path, help="SQLite file (default: $TOURBOT_DB or data/)")
    parser.add_argument("--content", type=Path, help="content folder (default: content/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, date_type)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
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
    settings = settings_from(args)
    from bot.redact import install_redaction

    install_redaction(settings)  # tokens never reach a log line, whatever logs them
    module, _sep, function = args.handler.partition(":")
    handler = cast(Handler, getattr(importlib.import_module(module), function))
    try:
        return handler(settings, args)
    except BrokenPipeError:  # `tourbot ask - | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command killed by SIGPIPE
