"""What the handoff says: to the visitor in their language, to staff in the staff chat's.

The functions read the locale the caller set (``use_lang``); staff texts are made in
the bot's default language, the staff chat's.
"""

from __future__ import annotations

import datetime as dt

from bot.core.models import Location
from bot.handoff.hours import StaffHours
from bot.i18n import N_
from bot.i18n import gettext as _
from bot.store.handoffs import Handoff, Message

CHANNEL_NAMES = {"telegram": "Telegram", "zalo-bot": "Zalo Bot", "zalo-oa": "Zalo OA"}
TOPIC_CHARS = 128  # Telegram's limit for a forum topic's name
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


# -- to the visitor ------------------------------------------------------------------


def requested(hours: StaffHours, wait_minutes: int, now: float) -> str:
    """What happens next, after a visitor asked for a person."""
    if hours.is_open(now):
        text = _(
            "I have asked the tourism office staff to join. Someone usually replies within"
            " {minutes} minutes. Write your question here: they will see it, and our chat"
            " so far."
        ).format(minutes=wait_minutes)
    else:
        text = _(
            "The tourism office staff are away now (they answer {hours}). I have passed on"
            " your request: someone will reply here from {when}. You can write your question"
            " now."
        ).format(hours=hours.hours_text, when=when_text(hours.next_opening(now)))
    return text + "\n\n" + _("To talk to the bot again, type /bot.")


def when_text(at: dt.datetime) -> str:
    return _("{day} at {time}").format(day=_(DAY_NAMES[at.weekday()]), time=f"{at:%H:%M}")


def already_waiting() -> str:
    return _("You are already talking to the tourism office staff: just write your message here.")


def claimed() -> str:
    return _("A member of the tourism office staff has joined the chat.")


def from_staff(text: str) -> str:
    return _("Tourism office: {text}").format(text=text)


def ended() -> str:
    return _(
        "The conversation with the tourism office staff has ended, and I am answering again."
        " To talk to a person again, type /human."
    )


def back_to_bot() -> str:
    return _("OK, I am answering again. To talk to a person later, type /human.")


def not_talking() -> str:
    return _("You are talking to the bot. To talk to a person, type /human.")


# -- to staff ------------------------------------------------------------------------


def topic_title(handoff: Handoff) -> str:
    head = f"#{handoff.id} · {channel_name(handoff.channel)} · {handoff.lang.upper()}"
    question = " ".join(handoff.question.split())
    title = f"{head} · {question}" if question else head
    return title if len(title) <= TOPIC_CHARS else title[: TOPIC_CHARS - 1] + "…"


def card(handoff: Handoff, chat: str) -> str:
    """The request as staff first see it: who, where, and the chat so far."""
    lines = [
        _("Request #{id} from a visitor on {channel} (language: {lang}).").format(
            id=handoff.id, channel=channel_name(handoff.channel), lang=handoff.lang
        )
    ]
    if handoff.question:
        lines.append(_("They asked: {question}").format(question=handoff.question))
    if chat:
        lines += ["", _("The chat with the bot so far:"), chat]
    lines += [
        "",
        _(
            "Claim it, then write here: your messages go to the visitor. /close or the"
            " Close button gives the chat back to the bot."
        ),
    ]
    return "\n".join(lines)


def from_visitor(handoff: Handoff, text: str, threaded: bool) -> str:
    """A visitor's message in the staff chat (without a topic it says whose it is)."""
    if threaded:
        return f"👤 {text}"
    return _("#{id} visitor: {text}").format(id=handoff.id, text=text)


def location(point: Location) -> str:
    url = f"https://www.openstreetmap.org/?mlat={point.lat:.5f}&mlon={point.lon:.5f}"
    return _("📍 shared a location: {lat:.5f}, {lon:.5f} {url}").format(
        lat=point.lat, lon=point.lon, url=url
    )


def claimed_by(name: str) -> str:
    return _("{name} took this conversation.").format(name=name)


def closed_by(name: str) -> str:
    return _("Closed by {name}: the bot answers the visitor again.").format(name=name)


def closed_quiet(minutes: float) -> str:
    return _("Closed after {minutes} minutes without messages: the bot answers again.").format(
        minutes=f"{minutes:g}"
    )


def closed_by_visitor() -> str:
    return _("The visitor went back to the bot. Writing here reopens the conversation.")


def not_delivered(reason: str) -> str:
    return _("Not delivered to the visitor: {reason}").format(reason=reason)


def outside_window() -> str:
    return _(
        "Not delivered: the visitor last wrote over 7 days ago, and Zalo OA accepts no more"
        " messages to them until they write again."
    )


def billed_window() -> str:
    return _(
        "Note: the visitor last wrote over 48 hours ago; Zalo OA may bill this message. After"
        " 7 days it refuses them."
    )


def transcript_line(message: Message) -> str:
    arrow = {"in": "👤", "out": "💬", "note": "ℹ️", "card": "🙋"}[message.direction]
    when = dt.datetime.fromtimestamp(message.created_at, dt.UTC).strftime("%Y-%m-%d %H:%M")
    first = message.text.split("\n", 1)[0]
    return f"{when}Z {arrow} [{message.status}] {first}"
