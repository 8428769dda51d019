"""The console channel: ``tourbot chat`` in a terminal, on the same core as the messengers."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from typing import TextIO

from bot.config import Settings
from bot.core.models import Button, Inbound, Reply
from bot.i18n import gettext_in


def render(reply: Reply) -> tuple[str, list[Button]]:
    """Plain text with buttons as a numbered list (the fallback every channel can show)."""
    lines = []
    if reply.title:
        lines.append(f"== {reply.title} ==")
    lines.append(reply.text)
    if reply.venue:
        v = reply.venue
        lines.append(f"📍 {v.title}: https://www.openstreetmap.org/?mlat={v.lat}&mlon={v.lon}")
    options = [b for row in reply.buttons for b in row if b.payload]
    if options:
        lines.append("")
        lines += [f"  [{n}] {b.label}" for n, b in enumerate(options, start=1)]
    return "\n".join(lines), options


async def chat(
    settings: Settings,
    today: dt.date | None,
    user_id: str = "console",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Read questions line by line until EOF or /quit; numbers pick the listed options."""
    from bot.app import build_app

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    app = await build_app(settings, (lambda: today) if today else None)
    options: list[Button] = []
    try:
        user = await app.users.touch("console", user_id, None)
        lang = user.lang or settings.default_lang
        stdout.write(gettext_in(lang, "Type a question (or /help, /quit).") + "\n")
        while True:
            stdout.write("> ")
            stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.strip()
            if text in ("/quit", "/exit"):
                break
            if text.isdigit() and 1 <= int(text) <= len(options):
                msg = Inbound("console", user_id, user_id, payload=options[int(text) - 1].payload)
            else:
                msg = Inbound("console", user_id, user_id, text=text)
            options = []
            for reply in await app.conversation.handle(msg):
                shown, opts = render(reply)
                options += opts
                stdout.write(shown + "\n\n")
            stdout.flush()
    finally:
        await app.close()
    return 0
