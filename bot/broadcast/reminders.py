"""Event reminders: "Remind me" subscribers get a message some days before an event.

Reminders live in the outbox like announcements, one per event occurrence (a unique
``ref``), so a restart neither loses nor repeats one; a check that runs late (the bot
was down at the due time) still sends it, as long as the event's first day is not over.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.calendar.format import format_range
from bot.calendar.recurrence import Occurrence, next_occurrence
from bot.content.loader import ContentPack
from bot.content.schema import Event
from bot.i18n import gettext_in
from bot.store.outbox import NewAnnouncement, Outbox

log = logging.getLogger(__name__)

CREATED_BY = "reminders"


def reminder_text(event: Event, occurrence: Occurrence, lang: str) -> str:
    """The body of a reminder in ``lang`` (the header and footer are added when sent)."""
    dates = format_range(occurrence.start, occurrence.end, lang)
    if event.recurrence.approximate:
        dates = gettext_in(lang, "around {dates}").format(dates=dates)
    head = gettext_in(lang, "{name} is coming up: {dates}.").format(
        name=event.name.get(lang), dates=dates
    )
    return f"{head}\n\n{event.summary.get(lang)}"


class Reminders:
    """Creates the reminders that are due, from the calendar and the subscriptions."""

    def __init__(
        self,
        outbox: Outbox,
        pack: Callable[[], ContentPack],
        timezone: str,
        days_before: int = 1,
        hour: int = 9,
    ) -> None:
        self._outbox = outbox
        self._pack = pack
        self._zone = ZoneInfo(timezone)
        self._days = days_before
        self._hour = hour

    def window(self, occurrence: Occurrence) -> tuple[float, float]:
        """(due, too late): from ``hour`` o'clock ``days_before`` the start, until the end
        of the first day, in Unix seconds."""
        remind_on = occurrence.start - dt.timedelta(days=self._days)
        due = dt.datetime.combine(remind_on, dt.time(self._hour), self._zone)
        over = dt.datetime.combine(occurrence.start + dt.timedelta(days=1), dt.time(), self._zone)
        return due.timestamp(), over.timestamp()

    async def plan(self, now: float) -> list[int]:
        """Create (or top up with new subscribers) every reminder due at ``now``."""
        pack = self._pack()
        today = dt.datetime.fromtimestamp(now, self._zone).date()
        touched = []
        for topic in sorted(await self._outbox.subscribed_topics("event:")):
            event = pack.items.get(topic.partition(":")[2])
            if not isinstance(event, Event):
                continue
            occurrence = next_occurrence(event.recurrence, today)
            if occurrence is None:
                continue
            due, over = self.window(occurrence)
            if not due <= now < over:
                continue
            new = NewAnnouncement(
                text_vi=reminder_text(event, occurrence, "vi"),
                text_en=reminder_text(event, occurrence, "en"),
                audience=topic,
                topics=(topic,),
                created_by=CREATED_BY,
                due_at=due,
                kind="reminder",
                ref=f"reminder:{event.id}:{occurrence.start.isoformat()}",
            )
            ident, added = await self._outbox.ensure_reminder(new, now)
            if added:
                log.info("reminder %s for %s: %d recipient(s) added", ident, event.id, added)
                touched.append(ident)
        return touched
