"""The console channel: ``tourbot chat`` in a terminal, on the same core as the messengers."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.channels.plain import payload_buttons, render_text
from bot.core.models import Button, Inbound, Reply
from bot.core.ports import Conversation
from bot.i18n import gettext_in

CHANNEL = "console"
OPTION = "  [{n}] {label}"


def render(reply: Reply, start: int = 1) -> tuple[str, list[Button]]:
    """Plain text with the buttons as a numbered list (the fallback every channel can show)."""
    options = payload_buttons(reply)
    return render_text(reply, options, start=start, option=OPTION), options


async def chat(
    conversation: Conversation, user_id: str, lang: str, stdin: TextIO, stdout: TextIO
) -> int:
    """Read questions line by line until EOF or /quit; numbers pick the listed options."""
    options: list[Button] = []
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
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(options):
            msg = Inbound(CHANNEL, user_id, user_id, payload=options[int(text) - 1].payload)
        else:
            msg = Inbound(CHANNEL, user_id, user_id, text=text)
        options = []
        for reply in await conversation.handle(msg):
            shown, opts = render(reply, start=len(options) + 1)
            options += opts
            stdout.write(shown + "\n\n")
        stdout.flush()
    return 0
