"""``tourbot handoff list|show ID|close ID``: conversations handed to staff, from a shell.

Closing here queues the visitor's notice and a note for the staff chat; ``tourbot run``
sends them (its relay reads the same database).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import time
from collections.abc import Callable
from typing import Any

from bot.cli.errors import CliError
from bot.config import Settings

HANDLER = "bot.cli.handoff:run_handoff_command"
SUMMARY_DAYS = 30


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register ``handoff``."""
    handoff = sub.add_parser(
        "handoff",
        help="conversations handed to staff: list|show ID|close ID",
        description="Conversations visitors asked to have with a person of the tourism office.",
    )
    handoff.set_defaults(handler=HANDLER)
    actions = handoff.add_subparsers(dest="handoff_command", required=True)
    listing = actions.add_parser(
        "list",
        help="open and claimed conversations (newest first)",
        description="Open and claimed conversations, newest first.",
    )
    listing.add_argument("--all", action="store_true", help="closed ones too")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    show = actions.add_parser(
        "show",
        help="one conversation with its messages",
        description="One conversation: who, when, and every message with what became of it.",
    )
    show.add_argument("id", type=int, help="the conversation's number (#12 in the staff chat)")
    close = actions.add_parser(
        "close",
        help="give a conversation back to the bot",
        description="Close a conversation: the visitor is told, and the bot answers again.",
    )
    close.add_argument("id", type=int, help="the conversation's number (#12 in the staff chat)")


def run_handoff_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_run(settings, args))


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.i18n import load_catalogs
    from bot.store.db import connect
    from bot.store.handoffs import Handoffs

    load_catalogs()
    db = await connect(settings.db)
    try:
        handoffs = Handoffs(db)
        if args.handoff_command == "list":
            return await _list(handoffs, args.all, args.limit)
        if args.handoff_command == "show":
            return await _show(handoffs, args.id)
        return await _close(handoffs, args.id, settings.default_lang)
    finally:
        await db.close()


def _when(at: float | None) -> str:
    if at is None:
        return "-"
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%d %H:%MZ")


async def _list(handoffs: Any, everything: bool, limit: int) -> int:
    from bot.broadcast.views import handoffs_line
    from bot.i18n import use_lang

    counts = await handoffs.counts(time.time() - SUMMARY_DAYS * 86400)
    if counts.total:
        with use_lang("en"):
            print(f"last {SUMMARY_DAYS} days: {handoffs_line(counts)}")
    statuses = ("open", "claimed", "closed") if everything else ("open", "claimed")
    rows = await handoffs.listed(statuses, limit)
    if not rows:
        print("no conversations" if everything else "no open conversations")
        return 0
    print(f"{'id':>5}  {'status':<8} {'channel':<9} lang  {'created':<17} question")
    for h in rows:
        question = " ".join(h.question.split())[:50]
        print(
            f"{h.id:>5}  {h.status:<8} {h.channel:<9} {h.lang:<4}  {_when(h.created_at):<17}"
            f" {question}"
        )
    return 0


async def _show(handoffs: Any, ident: int) -> int:
    from bot.handoff.texts import transcript_line

    handoff = await handoffs.get(ident)
    if handoff is None:
        raise CliError(f"no conversation #{ident}")
    print(f"#{handoff.id} {handoff.status} · {handoff.channel} · {handoff.lang}")
    print(f"created {_when(handoff.created_at)}, claimed {_when(handoff.claimed_at)}", end="")
    print(f" by {handoff.claimed_by or '-'}, first reply {_when(handoff.first_reply_at)},", end="")
    print(f" closed {_when(handoff.closed_at)} by {handoff.closed_by or '-'}")
    print(f"question: {handoff.question or '-'}")
    for message in await handoffs.transcript(ident):
        print(transcript_line(message))
    return 0


async def _close(handoffs: Any, ident: int, staff_lang: str) -> int:
    from bot.handoff import texts
    from bot.i18n import use_lang

    handoff = await handoffs.get(ident)
    if handoff is None:
        raise CliError(f"no conversation #{ident}")
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "cli"
    with use_lang(handoff.lang):
        ended = texts.ended()
    with use_lang(staff_lang):
        note = texts.closed_by(login)
    closed = await handoffs.close(
        ident, f"cli:{login}", time.time(), [("out", ended), ("note", note)]
    )
    if not closed:
        raise CliError(f"conversation #{ident} is closed already")
    print(f"conversation #{ident} closed; the visitor is told when `tourbot run` next sends")
    return 0
