"""``tourbot content check``: validate the content folder."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from bot.config import Settings


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate the content folder")
    check.add_argument("--json", action="store_true", help="counts and problems as JSON")
    check.set_defaults(handler="bot.cli.content:content_check")


def content_check(settings: Settings, args: argparse.Namespace) -> int:
    """Every problem as ``file: field: message``; exit 1 when there is one."""
    from bot.content.loader import load_content

    pack, problems = load_content(settings.content_dir)
    if args.json:
        counts = Counter(i.kind for i in pack.items.values()) if pack else Counter()
        errors = [{"file": p.file, "field": p.field, "message": p.message} for p in problems]
        report = {"counts": dict(sorted(counts.items())), "errors": errors}
        print(json.dumps(report, ensure_ascii=False))
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
