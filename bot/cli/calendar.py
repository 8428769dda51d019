"""Calendar commands of the CLI: ``tourbot events`` (with ``--ics``) and ``tourbot lunar``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.errors import UsageError
from bot.config import Settings

_LUNAR_INPUT = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


def register(sub: Any, date_type: Callable[[str], Any]) -> None:
    """Register ``events`` and ``lunar`` on the CLI's subparsers."""
    events = sub.add_parser("events", help="festivals between two dates, or an .ics calendar")
    events.add_argument("--from", dest="start", type=date_type, help="first day (default today)")
    events.add_argument("--to", dest="end", type=date_type, help="last day (default +1 year)")
    events.add_argument("--province", help="province id or name (old or new)")
    events.add_argument("--today", type=date_type, help="pretend today is this date")
    events.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of the names and dates"
    )
    events.add_argument("--json", action="store_true", help="one JSON object per line")
    events.add_argument("--ics", type=Path, metavar="FILE", help="write an RFC 5545 calendar")
    events.set_defaults(handler="bot.cli.calendar:events_command")

    lunar = sub.add_parser("lunar", help="convert between solar and Vietnamese lunar dates")
    lunar.add_argument("date", nargs="?", type=_solar_date, help="solar YYYY-MM-DD (default today)")
    lunar.add_argument("--to-solar", metavar="D/M/YYYY", help="a lunar date to convert")
    lunar.add_argument("--leap", action="store_true", help="the lunar month is the leap one")
    lunar.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of the written date"
    )
    lunar.set_defaults(handler="bot.cli.calendar:lunar_command")


def _solar_date(value: str) -> dt.date:
    """argparse type of ``lunar``'s date: a D/M/YYYY lunar date points to --to-solar."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        hint = " (a lunar date? use --to-solar D/M/YYYY)" if _LUNAR_INPUT.match(value) else ""
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}{hint}") from None


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def lunar_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.calendar.format import format_date
    from bot.calendar.lunar import InvalidLunarDate, lunar_to_solar, solar_to_lunar
    from bot.i18n import load_catalogs

    load_catalogs()
    if args.to_solar:
        match = _LUNAR_INPUT.match(args.to_solar)
        if not match:
            raise UsageError(f"--to-solar: expected D/M/YYYY, got {args.to_solar!r}")
        day, month, year = (int(g) for g in match.groups())
        try:
            solar = lunar_to_solar(year, month, day, args.leap)
        except (InvalidLunarDate, ValueError) as exc:
            raise UsageError(f"--to-solar {args.to_solar}: {exc}") from exc
        print(f"{solar.isoformat()}  {format_date(solar, args.lang)}")
        return 0
    solar = args.date or _today(settings)
    try:
        lunar = solar_to_lunar(solar)
    except ValueError as exc:
        raise UsageError(f"{solar.isoformat()}: {exc}") from exc
    leap = "+" if lunar.leap else ""
    print(f"{lunar.day}/{lunar.month}{leap}/{lunar.year}  {format_date(solar, args.lang)}")
    return 0


def events_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.calendar.format import format_range
    from bot.calendar.recurrence import occurrences_between
    from bot.content.loader import require_content
    from bot.i18n import load_catalogs

    load_catalogs()
    pack = require_content(settings.content_dir)
    today = args.today or _today(settings)
    start = args.start or today
    end = args.end or start + dt.timedelta(days=365)
    if end < start:
        raise UsageError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
    provinces = _provinces(pack, args.province) if args.province else None
    rows = []
    for event in pack.events():
        if provinces is not None and not set(event.provinces) & provinces:
            continue
        for occ in occurrences_between(event.recurrence, start, end):
            rows.append((occ, event))
    rows.sort(key=lambda r: (r[0].start, r[1].id))
    if args.ics:
        write_ics(args.ics, rows, args.lang, pack)
        print(f"wrote {len(rows)} events to {args.ics}")
        return 0
    if args.json:
        for occ, event in rows:
            print(
                json.dumps(
                    {
                        "id": event.id,
                        "title": event.name.get(args.lang),
                        "start": occ.start.isoformat(),
                        "end": occ.end.isoformat(),
                        "main": occ.main.isoformat(),
                        "calendar": event.recurrence.calendar,
                        "approximate": event.recurrence.approximate,
                        "provinces": event.provinces,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    for occ, event in rows:
        approx = "~" if event.recurrence.approximate else " "
        dates = format_range(occ.start, occ.end, args.lang)
        print(f"{occ.start.isoformat()} {approx} {event.name.get(args.lang)} — {dates}")
    return 0


def _provinces(pack: Any, name: str) -> set[str]:
    """The province ids ``--province`` means (an old name: just its old area)."""
    from bot.content.schema import Province
    from bot.text.fold import fold

    wanted = fold(name).replace("-", " ").strip()
    matches = [
        p.id
        for p in pack.items.values()
        if isinstance(p, Province)
        and wanted in {fold(p.id).replace("-", " "), fold(p.name.vi), fold(p.name.en)}
    ]
    if not matches:
        raise UsageError(f"unknown province {name!r}")
    return set().union(*(pack.provinces_within(m) for m in matches))


def write_ics(path: Path, rows: list[tuple[Any, Any]], lang: str, pack: Any) -> None:
    """An RFC 5545 calendar of all-day events (DTEND is exclusive, per the RFC), in
    ``lang``: where (the places, else the provinces), the first source as URL."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    from bot.i18n import gettext_in

    cal = Calendar()
    cal.add("prodid", "-//tourbot//festivals//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", gettext_in(lang, "Festivals"))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for occ, event in rows:
        ics = IcsEvent()
        ics.add("uid", f"{event.id}-{occ.start.isoformat()}@tourbot")
        ics.add("dtstamp", stamp)
        ics.add("dtstart", occ.start)
        ics.add("dtend", occ.end + dt.timedelta(days=1))
        summary = event.name.get(lang)
        if event.recurrence.approximate:
            mark = gettext_in(lang, "(approx.)")  # dates from an approximate rule
            summary = f"{summary} {mark}"
        ics.add("summary", summary)
        ics.add("description", event.summary.get(lang))
        where = _location(event, lang, pack)
        if where:
            ics.add("location", where)
        if event.sources:
            ics.add("url", str(event.sources[0].url))
        ics.add("transp", "TRANSPARENT")
        cal.add_component(ics)
    path.write_bytes(cal.to_ical())


def _location(event: Any, lang: str, pack: Any) -> str:
    """The names of the event's places, else of its provinces, in ``lang``."""
    for ids in (event.places, event.provinces):
        names = [pack.items[i].name.get(lang) for i in ids if i in pack.items]
        if names:
            return ", ".join(names)
    return ""
