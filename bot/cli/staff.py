"""Arguments of the staff commands (``announce``, ``staff``, ``report``), kept apart from
their implementation so that building the parser imports nothing heavy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

HANDLER = "bot.cli.staff_run:run_staff_command"
# The channels a staff member can write from (their names in bot/channels/registry.py).
STAFF_CHANNELS = ("telegram", "zalo-bot", "zalo-oa")


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register the staff subcommands on the main parser's subparsers."""
    announce = sub.add_parser(
        "announce",
        help="send an announcement, or list|show ID|cancel ID",
        description="Without an action: create an announcement from --vi/--en files.",
    )
    announce.add_argument(
        "action",
        nargs="?",
        choices=("list", "show", "cancel"),
        help="list the latest, show one's progress, cancel one (default: create)",
    )
    announce.add_argument("id", nargs="?", type=int, help="announcement id (show, cancel)")
    announce.add_argument("--vi", type=Path, help="file with the Vietnamese text")
    announce.add_argument("--en", type=Path, help="file with the English text")
    announce.add_argument(
        "--audience",
        action="append",
        default=[],
        help="all | province:ID | event:ID | tag:TAG (repeatable)",
    )
    announce.add_argument("--at", help='local send time, e.g. "2026-12-01 09:00"')
    announce.add_argument("--dry-run", action="store_true", help="show the preview only")
    announce.add_argument(
        "--follow", action="store_true", help="show: a live progress bar until it ends"
    )
    announce.add_argument(
        "--idle",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="--follow: give up after this long without progress (default 30)",
    )
    announce.set_defaults(handler=HANDLER)

    staff = sub.add_parser("staff", help="staff members who may use /announce and /stats")
    staff.set_defaults(handler=HANDLER)
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    for name in ("add", "remove"):
        cmd = staff_sub.add_parser(name, help=f"{name} a staff member by user id")
        cmd.add_argument("user_id", help="CHANNEL:ID (telegram:123456) or the ID alone")
        cmd.add_argument(
            "--channel",
            choices=STAFF_CHANNELS,
            help="the channel of a bare ID (default: telegram)",
        )
    staff_sub.add_parser("list", help="staff members (also those in TOURBOT_STAFF_IDS)")
    audit = staff_sub.add_parser("audit", help="the latest staff actions and refusals")
    audit.add_argument("--limit", type=int, default=30, help="how many entries (default 30)")

    _register_report(sub)


def _register_report(sub: Any) -> None:
    report = sub.add_parser("report", help="reports for staff")
    report.set_defaults(handler=HANDLER)
    report_sub = report.add_subparsers(dest="report_command", required=True)
    unanswered = report_sub.add_parser(
        "unanswered", help="top unanswered questions, grouped, and answers marked unhelpful"
    )
    feedback = report_sub.add_parser(
        "feedback", help="visitors' votes on answers: the rate per item, the worst answers"
    )
    for cmd, what in ((unanswered, "questions"), (feedback, "answers")):
        cmd.add_argument(
            "--days", type=int, default=30, help=f"{what} of the last N days (default 30)"
        )
    unanswered.add_argument("--csv", type=Path, help="write CSV here instead of a table")
    feedback.add_argument(
        "--csv", type=Path, help="write every rated answer as CSV here instead of the summary"
    )
