"""``tourbot content check``: validate the content folder (logic in bot.content.report)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.config import Settings


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate the content folder")
    check.add_argument("--json", action="store_true", help="counts and problems as JSON")
    check.add_argument("--report", action="store_true", help="what staff should re-check")
    check.set_defaults(handler="bot.cli.content:content_check")


def content_check(settings: Settings, args: argparse.Namespace) -> int:
    """Every problem as ``file: field: message``; exit 1 when there is one."""
    from bot.content.report import content_check as check

    return check(settings.content_dir, args.json, args.report)
