"""Staff command line: ``tourbot announce``, ``tourbot staff``, ``tourbot report``.

They write to the same database as a running ``tourbot run``, whose outbox worker picks
a new announcement up within about a second. Output is for the operator, in English.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import getpass
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.broadcast.compose import (
    AudienceError,
    audience_label,
    check_text,
    format_when,
    parse_when,
    render,
)
from bot.broadcast.runtime import Broadcasting
from bot.broadcast.service import Actor
from bot.broadcast.stats import export_feedback, export_unanswered, since_iso
from bot.broadcast.views import bar, feedback_lines, progress_text
from bot.cli.errors import UsageError
from bot.config import Settings
from bot.content.loader import ContentPack, require_content
from bot.i18n import use_lang

FOLLOW_EVERY = 0.5
AUDIENCES = "all, province:ID, event:ID, tag:TAG"
_AUDIENCE_WORD = re.compile(r"^(all|(province|event|tag):\S+)$")


def run_staff_command(settings: Settings, args: argparse.Namespace) -> int:
    with use_lang("en"):
        try:
            return asyncio.run(_run(settings, args))
        except KeyboardInterrupt:  # Ctrl-C during --follow: the announcement goes on
            print(file=sys.stderr)
            return 130


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    pack = functools.cache(lambda: require_content(settings.content_dir))
    broadcasting = await Broadcasting.open(settings, pack)
    try:
        if args.command == "staff":
            return await _staff(broadcasting, args)
        if args.command == "report":
            return await _report(broadcasting, args, pack)
        if args.action == "list":
            return await _list(broadcasting, pack())
        if args.action in ("show", "cancel") and args.id is None:
            return _fail(f"announce {args.action} needs an announcement id")
        if args.action == "show":
            return await _show(broadcasting, args, pack(), sys.stdout)
        if args.action == "cancel":
            if not await broadcasting.service.cancel(_actor(), args.id):
                print(f"tourbot: error: #{args.id} is not scheduled or sending", file=sys.stderr)
                return 1
            print(f"announcement #{args.id} cancelled")
            return 0
        return await _create(broadcasting, args, pack())
    finally:
        await broadcasting.close()


def _actor() -> Actor:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Actor("cli", login)


def _fail(message: str) -> int:
    print(f"tourbot: error: {message}", file=sys.stderr)
    return 2


async def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return text.strip() or None


async def _create(b: Broadcasting, args: argparse.Namespace, pack: ContentPack) -> int:
    try:
        text_vi, text_en = await _read(args.vi), await _read(args.en)
    except OSError as exc:
        return _fail(str(exc))
    if text_vi is None and text_en is None:
        return _fail("give the text with --vi FILE and/or --en FILE")
    for name, text in (("--vi", text_vi), ("--en", text_en)):
        problem = check_text(text) if text is not None else None
        if problem:
            return _fail(f"{name}: {problem}")
    if not args.audience:
        return _fail(f"choose the recipients with --audience ({AUDIENCES})")
    words = [w for value in args.audience for w in value.replace(",", " ").split()]
    odd = next((w for w in words if not _AUDIENCE_WORD.match(w)), None)
    if odd is not None:
        return _fail(f"unknown audience {odd!r} ({AUDIENCES})")
    try:
        audience = b.service.audience(" ".join(words))
    except AudienceError as exc:
        return _fail(f"unknown audience {exc.args[0]!r} ({AUDIENCES})")
    due_at = None
    if args.at:
        try:
            due_at = parse_when(args.at, b.settings.timezone, b.clock())
        except ValueError as exc:
            return _fail(f"--at {args.at!r}: {exc} (write it like 2026-12-01 09:00)")
    counts = await b.service.recipients(audience)
    print(f"Audience: {audience_label(audience.spec, pack, 'en')} ({audience.spec})")
    _preview(counts, text_vi, text_en, due_at is not None)
    print(f"Sending: {format_when(due_at, b.settings.timezone) if due_at else 'now'}")
    for lang, name in (("vi", "Vietnamese"), ("en", "English")):
        print(f"\n----- what {name} readers will get -----")
        print(render("announcement", text_vi, text_en, lang))
    print("-----")
    if args.dry_run:
        return 0
    created = await b.service.create(_actor(), text_vi, text_en, audience, due_at)
    if created.status == "scheduled":
        when = format_when(created.due_at, b.settings.timezone)
        print(f"announcement #{created.id} scheduled for {when}")
    else:
        print(f"announcement #{created.id} queued for {created.total} recipients")
    return 0


def _preview(counts: dict[str, int], text_vi: str | None, text_en: str | None, later: bool) -> None:
    """Who gets what, before anything is queued; warnings for what staff may not expect."""
    vi, en = counts.get("vi", 0), counts.get("en", 0)
    print(f"Recipients now: {vi + en} (vi {vi}, en {en})")
    if vi + en == 0:
        again = " (counted again when it is due)" if later else ""
        print(f"warning: nobody would receive it now: no subscriber matches this audience{again}")
    if text_vi is None:
        print(f"warning: no Vietnamese text: the {vi} Vietnamese reader(s) get the English text")
    if text_en is None:
        print(f"warning: no English text: the {en} English reader(s) get the Vietnamese text")
    print(f"  Vietnamese readers ({vi}): the {'Vietnamese' if text_vi else 'English'} text")
    print(f"  English readers ({en}): the {'English' if text_en else 'Vietnamese'} text")


async def _list(b: Broadcasting, pack: ContentPack) -> int:
    tz = b.settings.timezone
    print(f"{'ID':>5}  {'KIND':<12} {'STATUS':<10} {'WHEN':<16} {'TOTAL':>6}  AUDIENCE")
    for a in await b.service.recent(30):
        when = format_when(a.due_at if a.status == "scheduled" else a.created_at, tz)
        label = audience_label(a.audience, pack, "en")
        print(f"{a.id:>5}  {a.kind:<12} {a.status:<10} {when:<16} {a.total:>6}  {label}")
    return 0


async def _show(b: Broadcasting, args: argparse.Namespace, pack: ContentPack, out: TextIO) -> int:
    ident = args.id
    progress = await b.service.progress(ident)
    if progress is None:
        return _fail(f"no announcement #{ident}")
    stalled = False
    if args.follow and progress.announcement.status == "scheduled":
        print(f"#{ident} is scheduled: nothing is sent before it is due", file=out)
    elif args.follow:
        stalled = not await follow_progress(b, ident, out, args.idle)
        progress = await b.service.progress(ident)
        assert progress is not None
    print(progress_text(progress, pack, b.settings.timezone), file=out)
    if stalled:
        print(
            f"tourbot: error: nothing sent for {args.idle:g} s: no `tourbot run` seems to be"
            f" sending on this database (#{ident} stays queued)",
            file=sys.stderr,
        )
        return 1
    return 0


async def follow_progress(b: Broadcasting, ident: int, out: TextIO, idle: float = 30.0) -> bool:
    """Redraw a progress bar until the announcement is done or cancelled (True), or
    nothing has changed for ``idle`` seconds (False). A line every few seconds when the
    output is not a terminal."""
    tty = out.isatty()
    started = changed = time.monotonic()
    first_done: int | None = None
    last_line = 0.0
    seen: tuple[object, ...] = ()
    while True:
        progress = await b.service.progress(ident)
        assert progress is not None
        done, total = progress.finished, progress.rows
        first_done = done if first_done is None else first_done
        now = time.monotonic()
        if (
            state := (progress.announcement.status, tuple(sorted(progress.counts.items())))
        ) != seen:
            seen, changed = state, now
        rate = (done - first_done) / (now - started) if now > started else 0.0
        eta = f"{(total - done) / rate:4.0f}s" if rate > 0 and done < total else "   -"
        line = (
            f"#{ident} {progress.announcement.status:<9} {bar(done, total, 30)}"
            f" {done}/{total} sent {progress.of('sent')} failed {progress.of('failed')}"
            f" skipped {progress.of('skipped')} {rate:6.1f}/s ETA {eta}"
        )
        finished = progress.announcement.status in ("done", "cancelled")
        stalled = not finished and now - changed >= idle
        if tty:
            out.write("\r" + line)
            out.flush()
        elif finished or stalled or now - last_line >= 5:
            print(line, file=out, flush=True)
            last_line = now
        if finished or stalled:
            if tty:
                out.write("\n")
            return finished
        await asyncio.sleep(FOLLOW_EVERY)


def staff_target(user_id: str, channel: str | None) -> tuple[str, str]:
    """``CHANNEL:ID`` or ``ID`` with ``--channel`` (default telegram) → (channel, id)."""
    from bot.cli.staff import STAFF_CHANNELS

    given, sep, ident = user_id.strip().rpartition(":")
    if sep:
        if given not in STAFF_CHANNELS:
            raise UsageError(
                f"unknown channel {given!r} in {user_id!r}: {', '.join(STAFF_CHANNELS)}"
            )
        if channel is not None and channel != given:
            raise UsageError(f"{user_id!r} is not on --channel {channel}")
        channel = given
    channel = channel or "telegram"
    if not ident:
        raise UsageError("give a user id: CHANNEL:ID or ID")
    if channel == "telegram" and not ident.isdigit():
        raise UsageError(f"{ident!r} is not a Telegram user id (digits, e.g. 123456789)")
    return channel, ident


async def _staff(b: Broadcasting, args: argparse.Namespace) -> int:
    store = b.staff_store
    if args.staff_command == "list":
        members = await store.members()
        for ident in sorted(b.settings.staff_ids):
            print(f"telegram:{ident}  (TOURBOT_STAFF_IDS)")
        for m in members:
            print(f"{m.channel}:{m.user_id}  added by {m.added_by} at {m.added_at}")
        if not members and not b.settings.staff_ids:
            print("no staff members (add one with: tourbot staff add telegram:ID)")
        return 0
    if args.staff_command == "audit":
        for e in await store.audit_log(args.limit):
            mark = "ok " if e.allowed else "DENIED"
            print(f"{e.at}  {mark:<6} {e.channel}:{e.user_id}  {e.action}  {e.detail}")
        return 0
    channel, ident = staff_target(args.user_id, args.channel)
    return await _change_staff(b, args.staff_command, channel, ident)


async def _change_staff(b: Broadcasting, command: str, channel: str, ident: str) -> int:
    actor, store, target = _actor(), b.staff_store, f"{channel}:{ident}"
    if command == "add":
        changed = await store.add(channel, ident, actor.label)
        message = f"{target} added" if changed else f"{target} is already a staff member"
    else:
        changed = await store.remove(channel, ident)
        message = f"{target} removed" if changed else f"{target}: not a staff member"
        if not changed and channel == "telegram" and ident in b.settings.staff_ids:
            message += " added here (it is in TOURBOT_STAFF_IDS: remove it there)"
    detail = target if changed or command == "add" else f"{target} (not found)"
    await store.audit(actor.channel, actor.user_id, f"staff.{command}", detail, allowed=True)
    if command == "remove" and not changed:
        print(f"tourbot: error: {message}", file=sys.stderr)
        return 1
    print(message)
    return 0


async def _report(
    b: Broadcasting, args: argparse.Namespace, pack: Callable[[], ContentPack]
) -> int:
    days = max(1, args.days)
    now = b.clock()
    if args.report_command == "feedback":
        return await _feedback(b, days, args.csv, pack())
    if args.csv is not None:
        n = await export_unanswered(b.reports, now, days, args.csv)
        print(
            f"{n} unanswered question group(s) and unhelpful answer(s) of the last {days} days"
            f" written to {args.csv}"
        )
        return 0
    since = since_iso(now, days)
    groups = await b.reports.question_groups(since, unanswered_only=True, limit=50)
    unhelpful = (await b.reports.feedback.report(since, top=50)).worst
    if not groups:
        print(f"no unanswered questions in the last {days} days")
    else:
        print(f"{'TIMES':>5} {'VARIANTS':>8}  QUESTION")
        for g in groups[:50]:
            print(f"{g.asked:>5} {g.variants:>8}  {g.label}")
    if unhelpful:
        print(f"\nanswers marked unhelpful (👎) in the last {days} days, with what was missing:")
        print(f"{'TIMES':>5}  {'ANSWER':<32}  QUESTION — COMMENTS")
        for a in unhelpful:
            said = "; ".join(f"“{c}”" for c in a.comments)
            print(
                f"{a.unhelpful:>5}  {a.item_id:<32}  {a.question}" + (f" — {said}" if said else "")
            )
    return 0


async def _feedback(b: Broadcasting, days: int, csv_path: Path | None, pack: ContentPack) -> int:
    now = b.clock()
    if csv_path is not None:
        n = await export_feedback(b.reports, now, days, csv_path, pack)
        print(f"{n} rated answer(s) of the last {days} days written to {csv_path}")
        return 0
    report = await b.reports.feedback.report(since_iso(now, days))
    print(f"feedback of the last {days} days")
    print("\n".join(feedback_lines(report, pack)))
    return 0
