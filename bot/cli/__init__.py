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
    "bot.cli.handoff",
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
    parser.add_argument(
        "--debug", action="store_true", help="on an error, show its traceback (and log at INFO)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, date_type)
    _describe(sub)
    return parser


def _describe(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """A command's ``--help`` opens with its one-line help when it has no description."""
    helps = {action.dest: action.help for action in sub._choices_actions}
    for name, parser in sub.choices.items():
        text = helps.get(name)
        if not parser.description and text:
            parser.description = f"{text[0].upper()}{text[1:]}."
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _describe(action)


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if args.db:
        overrides["TOURBOT_DB"] = args.db
    if args.content:
        overrides["TOURBOT_CONTENT"] = args.content
    settings = Settings(**overrides)  # type: ignore[arg-type]
    token = settings.telegram_token
    if token is not None and not token.get_secret_value().strip():
        # `TELEGRAM_BOT_TOKEN=` as copied from .env.example means "not set".
        settings = settings.model_copy(update={"telegram_token": None})
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and an exit code of
    ``bot.cli.errors`` (a traceback only with ``--debug``)."""
    from bot.cli import errors

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return _run(args)
    except BrokenPipeError:  # `tourbot ask - | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.BROKEN_PIPE
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(file=sys.stderr)
        return errors.INTERRUPTED
    except Exception as exc:
        if args.debug:
            raise
        return errors.report(exc)


def _run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from bot.redact import install_redaction

    install_redaction(settings)  # tokens never reach a log line, whatever logs them
    module, _sep, function = args.handler.partition(":")
    handler = cast(Handler, getattr(importlib.import_module(module), function))
    return handler(settings, args)
