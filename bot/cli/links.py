"""``tourbot links`` and ``tourbot qr``: Telegram deep links to content, for posters."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.cli.errors import CliError, UsageError
from bot.config import Settings

# Telegram's rule for /start payloads.
PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
USERNAME_ENV = "TOURBOT_TELEGRAM_BOT_USERNAME"
# What a visitor can open with /start <id>, in the order ``links`` lists them.
LINK_KINDS = ("tour", "place", "event", "heritage", "dish")
# What segno writes without Pillow.
QR_FORMATS = (".png", ".svg")
DPI = 300  # print resolution of the PNG


class LinkSettings(BaseSettings):
    """The bot's username, from the environment or ``.env`` like every setting."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_username: str | None = Field(default=None, alias=USERNAME_ENV)


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register ``links`` and ``qr``."""
    bot_help = f"bot username (default: {USERNAME_ENV} from the environment or .env)"
    links = sub.add_parser(
        "links", help="deep links to every tour, place, event, heritage item and dish"
    )
    links.add_argument("--bot", help=bot_help)
    links.add_argument(
        "--kind", choices=LINK_KINDS, action="append", help="only this kind (repeatable)"
    )
    links.add_argument("--json", action="store_true", help="one JSON object per line")
    links.set_defaults(handler="bot.cli.links:run_link_command")
    qr = sub.add_parser("qr", help="a QR code (PNG or SVG) of the deep link to one item")
    qr.add_argument("payload", help="an item id, e.g. tour-atk-hiep-hoa-dinh-hoa")
    qr.add_argument(
        "--out", type=Path, required=True, metavar="FILE.png", help="where to write (.png, .svg)"
    )
    qr.add_argument("--bot", help=bot_help)
    qr.add_argument(
        "--size-mm",
        type=float,
        default=50.0,
        help="printed width of the code in millimetres (PNG at 300 dpi; default 50)",
    )
    qr.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of the caption (item name)"
    )
    qr.set_defaults(handler="bot.cli.links:run_link_command")


def deep_link(bot: str, payload: str) -> str:
    return f"https://t.me/{bot.lstrip('@')}?start={payload}"


def bot_username(args: argparse.Namespace) -> str:
    """``--bot``, else the setting; a clear error naming both ways otherwise."""
    bot = args.bot or LinkSettings().bot_username
    if not bot or not bot.strip():
        raise CliError(f"no bot username: give --bot USERNAME or set {USERNAME_ENV} (env or .env)")
    return bot.strip()


def run_link_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.content.loader import require_content

    bot = bot_username(args)
    pack = require_content(settings.content_dir)
    if args.command == "links":
        for kind in args.kind or LINK_KINDS:
            for item in pack.of_kind(kind):
                url = deep_link(bot, item.id)
                if args.json:
                    row = {"id": item.id, "kind": kind, "title": item.name.vi, "url": url}
                    print(json.dumps(row, ensure_ascii=False))
                else:
                    print(f"{kind:<8} {url}  {item.name.vi}")
        return 0
    return _qr(bot, args, pack.items)


def _qr(bot: str, args: argparse.Namespace, items: dict[str, Any]) -> int:
    payload, out = args.payload, args.out
    if not PAYLOAD_RE.match(payload):
        raise UsageError("a payload is 1-64 characters of A-Z, a-z, 0-9, _ and -")
    if payload not in items:
        raise UsageError(f"no item with id {payload!r} (see tourbot links)")
    if out.suffix.lower() not in QR_FORMATS:
        raise UsageError(f"--out {out}: write a {' or '.join(QR_FORMATS)} file")
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no folder {out.parent}")
    if not 10 <= args.size_mm <= 500:
        raise UsageError("--size-mm: between 10 and 500 millimetres")
    url = deep_link(bot, payload)
    caption = items[payload].name.get(args.lang)
    write_poster_code(url, caption, out, args.size_mm)
    print(f"wrote {out}: {url} ({caption}, {args.size_mm:g} mm wide)")
    return 0


def write_poster_code(url: str, caption: str, out: Path, size_mm: float) -> None:
    """The QR code of ``url`` with ``caption`` (the item's name) under it, ``size_mm``
    wide when printed: matplotlib draws segno's module matrix, so PNG and SVG alike."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import segno

    matrix = list(segno.make(url, error="m").matrix_iter(scale=1, border=4))
    inches = size_mm / 25.4
    figure = plt.figure(figsize=(inches, inches * 1.18), dpi=DPI)
    axes = figure.add_axes((0.0, 0.18, 1.0, 0.82))
    axes.imshow(
        [[0 if cell else 1 for cell in row] for row in matrix], cmap="gray", interpolation="nearest"
    )
    axes.set_axis_off()
    figure.text(0.5, 0.08, caption, ha="center", va="center", fontsize=max(6, size_mm / 5))
    figure.savefig(out, dpi=DPI)
    plt.close(figure)
