"""``tourbot links`` and ``tourbot qr``: Telegram deep links to content, for posters."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Settings

# Telegram's rule for /start payloads.
PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
USERNAME_ENV = "TOURBOT_TELEGRAM_BOT_USERNAME"


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register ``links`` and ``qr``."""
    links = sub.add_parser("links", help="deep links to every tour, place and event")
    links.add_argument("--bot", help=f"bot username (default: ${USERNAME_ENV})")
    links.add_argument("--kind", choices=("tour", "place", "event"), action="append")
    links.add_argument("--json", action="store_true")
    links.set_defaults(handler="bot.cli.links:run_link_command")
    qr = sub.add_parser("qr", help="a QR code (PNG) of the deep link to one item")
    qr.add_argument("payload", help="an item id, e.g. tour-atk-hiep-hoa-dinh-hoa")
    qr.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    qr.add_argument("--bot", help=f"bot username (default: ${USERNAME_ENV})")
    qr.set_defaults(handler="bot.cli.links:run_link_command")


def deep_link(bot: str, payload: str) -> str:
    return f"https://t.me/{bot.lstrip('@')}?start={payload}"


def _bot(args: argparse.Namespace) -> str | None:
    bot = args.bot or os.environ.get(USERNAME_ENV)
    if not bot:
        print(f"error: give --bot USERNAME or set {USERNAME_ENV}", file=sys.stderr)
    return bot


def run_link_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.content.loader import require_content

    bot = _bot(args)
    if bot is None:
        return 2
    pack = require_content(settings.content_dir)
    if args.command == "links":
        kinds = args.kind or ["tour", "place", "event"]
        for kind in kinds:
            for item in pack.of_kind(kind):
                url = deep_link(bot, item.id)
                if args.json:
                    row = {"id": item.id, "kind": kind, "title": item.name.vi, "url": url}
                    print(json.dumps(row, ensure_ascii=False))
                else:
                    print(f"{kind:<6} {url}  {item.name.vi}")
        return 0
    payload = args.payload
    if not PAYLOAD_RE.match(payload):
        print("error: a payload is 1-64 characters of A-Z, a-z, 0-9, _ and -", file=sys.stderr)
        return 2
    if payload not in pack.items:
        print(f"error: no item with id {payload!r} (see tourbot links)", file=sys.stderr)
        return 2
    import segno

    url = deep_link(bot, payload)
    segno.make(url, error="m").save(str(args.out), scale=10, border=4)
    print(f"wrote {args.out}: {url}")
    return 0
