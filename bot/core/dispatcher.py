"""The conversation: routes commands, button payloads, locations and questions to features."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.content.schema import Event, Place, Province, Tour
from bot.core import answers
from bot.core.engine import Engine, help_text, item_answer, menu_buttons
from bot.core.models import Button, Inbound, Location, Reply
from bot.i18n import LANGS, normalize_lang, use_lang
from bot.i18n import gettext as _
from bot.store.questions import Questions
from bot.store.users import User, Users

if TYPE_CHECKING:  # the staff side (broadcast, charts) loads only when it is wired in
    from bot.core.staff import StaffHandler

log = logging.getLogger(__name__)

PAGE_SIZE = 6
NEAREST = 5
LIST_KINDS = ("place", "event", "tour")


class Dispatcher:
    """Implements ``bot.core.ports.Conversation`` for every channel."""

    def __init__(
        self,
        engine: Engine,
        users: Users,
        questions: Questions,
        today: Callable[[], dt.date],
        staff: StaffHandler | None = None,
    ) -> None:
        self.engine = engine
        self.users = users
        self.questions = questions
        self.today = today
        self.staff = staff

    @property
    def pack(self):  # type: ignore[no-untyped-def]
        return self.engine.pack

    async def handle(self, msg: Inbound) -> list[Reply]:
        user = await self.users.touch(msg.channel, msg.user_id, normalize_lang(msg.language_hint))
        lang = user.lang or self.engine.default_lang
        if self.staff is not None and await self.staff.claims(msg):
            with use_lang(lang):
                return await self.staff.handle(msg, lang)
        if msg.payload is not None:
            with use_lang(lang):
                return await self._payload(user, msg.payload, lang)
        if msg.location is not None:
            with use_lang(lang):
                return [self._nearest(msg.location, lang)]
        text = (msg.text or "").strip()
        if text.startswith("/"):
            with use_lang(lang):
                return await self._command(user, msg, text, lang)
        return [await self._question(user, msg, text)]

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        """One card per matching item, for sharing (inline mode)."""
        lang = lang or self.engine.language_of(query, None)
        if not query.strip():
            ids = [
                e.id
                for e, _o in self.engine.events_between(
                    self.today(), self.today() + dt.timedelta(days=120)
                )
            ]
        else:
            result = await self.engine.index.search(self.engine.docs, query, limit)
            ids = [h.item_id for h in result.hits if h.coverage >= 0.5 or h.alias_span]
        seen = list(dict.fromkeys(ids))[:limit]
        return [item_answer(self.pack, self.pack.items[i], self.today(), lang) for i in seen]

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        await self.users.mark_blocked(channel, user_id)

    # -- questions -----------------------------------------------------------------------

    async def _question(self, user: User, msg: Inbound, text: str) -> Reply:
        result = await self.engine.answer(text, self.today(), preferred=user.lang)
        reply = result.reply
        if reply.lang != user.lang and not user.lang_explicit:
            await self.users.set_lang(msg.channel, msg.user_id, reply.lang, explicit=False)
        if result.folded:
            await self.questions.record(
                msg.channel, msg.user_id, result.folded, reply.lang, reply.answered, result.matched
            )
        return reply

    # -- commands ------------------------------------------------------------------------

    async def _command(self, user: User, msg: Inbound, text: str, lang: str) -> list[Reply]:
        head, _sep, arg = text.partition(" ")
        command = head[1:].split("@", 1)[0].lower()
        arg = arg.strip()
        if command == "start":
            if arg:
                item = self.pack.items.get(arg.replace("_", "-"))
                if item is not None:
                    return [
                        Reply(text=help_text(), lang=lang),
                        item_answer(self.pack, item, self.today(), lang),
                    ]
            return [Reply(text=help_text(), lang=lang, buttons=menu_buttons())]
        if command == "help":
            return [
                Reply(
                    text=help_text() + "\n\n" + _commands_text(), lang=lang, buttons=menu_buttons()
                )
            ]
        if command == "language":
            chosen = normalize_lang(arg)
            if chosen:
                return [await self._set_language(user, chosen)]
            return [
                Reply(
                    text=_("Choose your language:"),
                    lang=lang,
                    buttons=(
                        (
                            Button("Tiếng Việt", payload="lang:vi"),
                            Button("English", payload="lang:en"),
                        ),
                    ),
                )
            ]
        if command in ("events", "tours", "places"):
            return [self._menu(command, lang)]
        if command == "subscribe":
            return [await self._subscribe(user, arg, lang)]
        if command == "unsubscribe":
            removed = await self.users.unsubscribe(user.channel, user.user_id)
            text = (
                _("You will receive no more announcements.")
                if removed
                else _("You had no subscriptions.")
            )
            return [Reply(text=text, lang=lang)]
        if command == "forget":
            return [
                Reply(
                    text=_(
                        "Delete everything I store about you (language, subscriptions, questions)?"
                    ),
                    lang=lang,
                    buttons=(
                        (
                            Button(_("Yes, delete"), payload="forget:yes"),
                            Button(_("No"), payload="forget:no"),
                        ),
                    ),
                )
            ]
        return [
            Reply(
                text=_("I don't know that command.") + "\n\n" + _commands_text(),
                lang=lang,
                answered=False,
            )
        ]

    async def _set_language(self, user: User, lang: str) -> Reply:
        await self.users.set_lang(user.channel, user.user_id, lang, explicit=True)
        with use_lang(lang):
            return Reply(
                text=_("I will answer in English from now on."), lang=lang, buttons=menu_buttons()
            )

    async def _subscribe(self, user: User, arg: str, lang: str) -> Reply:
        topic = self._topic(arg)
        if topic is None:
            rows = tuple(
                (Button(p.name.get(lang), payload=f"sub:province:{p.id}"),)
                for p in self.pack.items.values()
                if isinstance(p, Province) and not p.merged_into
            )
            return Reply(
                text=_("What would you like news about? Choose a province, or everything."),
                lang=lang,
                buttons=((Button(_("Everything"), payload="sub:all"),), *rows),
            )
        await self.users.subscribe(user.channel, user.user_id, topic)
        return Reply(
            text=_(
                "Subscribed: {topic}. You will get event announcements for it."
                " Send /unsubscribe to stop."
            ).format(topic=self._topic_label(topic, lang)),
            lang=lang,
        )

    def _topic(self, arg: str) -> str | None:
        arg = arg.strip().lower()
        if arg in ("all", "tat ca", "everything"):
            return "all"
        if arg.startswith("province:") and arg.split(":", 1)[1] in self.pack.items:
            return arg
        if arg.startswith("event:") and arg.split(":", 1)[1] in self.pack.items:
            return arg
        if arg in self.pack.items and isinstance(self.pack.items[arg], Province):
            return f"province:{arg}"
        return None

    def _topic_label(self, topic: str, lang: str) -> str:
        if topic == "all":
            return _("everything")
        _kind, _sep, ident = topic.partition(":")
        item = self.pack.items.get(ident)
        return item.name.get(lang) if item else ident

    def _menu(self, what: str, lang: str) -> Reply:
        kind = {"events": "event", "tours": "tour", "places": "place"}[what]
        if kind == "event":
            return self.engine._events_list(self.today(), lang, None, set(), None)
        if kind == "tour":
            tours = [t for t in self.pack.items.values() if isinstance(t, Tour)]
            return Reply(
                text=_("Joint tours:"),
                lang=lang,
                buttons=tuple((Button(t.name.get(lang)[:60], payload=f"i:{t.id}"),) for t in tours),
            )
        provinces = [
            p for p in self.pack.items.values() if isinstance(p, Province) and not p.merged_into
        ]
        return Reply(
            text=_("Choose a province:"),
            lang=lang,
            buttons=tuple(
                (Button(p.name.get(lang), payload=f"p:{p.id}:place:0"),) for p in provinces
            ),
        )

    # -- buttons -------------------------------------------------------------------------

    async def _payload(self, user: User, payload: str, lang: str) -> list[Reply]:
        kind, _sep, rest = payload.partition(":")
        today = self.today()
        if kind in ("i", "m", "r") and rest in self.pack.items:
            item = self.pack.items[rest]
            if kind == "i":
                return [item_answer(self.pack, item, today, lang)]
            if kind == "m" and isinstance(item, Place) and item.coordinates is not None:
                venue = answers.venue_of(self.pack, item)
                return [Reply(text=item.name.get(lang), lang=lang, venue=venue)]
            if kind == "r" and isinstance(item, Event):
                await self.users.subscribe(user.channel, user.user_id, f"event:{item.id}")
                return [
                    Reply(
                        text=_(
                            "Saved: you will get a reminder and the announcements about"
                            " {name}. Send /unsubscribe to stop."
                        ).format(name=item.name.get(lang)),
                        lang=lang,
                    )
                ]
        if kind == "p":
            parts = rest.split(":")
            if (
                len(parts) == 3
                and parts[0] in self.pack.items
                and parts[1] in LIST_KINDS
                and parts[2].isdigit()
            ):
                return [self._browse(parts[0], parts[1], int(parts[2]), lang)]
        if kind == "menu" and rest in ("events", "tours", "places"):
            return [self._menu(rest, lang)]
        if kind == "lang" and rest in LANGS:
            return [await self._set_language(user, rest)]
        if kind == "sub":
            topic = self._topic(rest)
            if topic is not None:
                return [await self._subscribe(user, topic, lang)]
        if kind == "forget":
            if rest == "yes":
                await self.users.forget(user.channel, user.user_id)
                return [
                    Reply(text=_("Done: I have deleted everything I stored about you."), lang=lang)
                ]
            if rest == "no":
                return [Reply(text=_("Nothing was deleted."), lang=lang)]
        log.info("unknown or stale button payload from %s", user.channel)
        return [
            Reply(
                text=_("That button is no longer valid. Here is the menu again."),
                lang=lang,
                answered=False,
                buttons=menu_buttons(),
            )
        ]

    def _browse(self, province_id: str, kind: str, page: int, lang: str) -> Reply:
        within = self.pack.provinces_within(province_id)
        items = [
            i for i in self.pack.items.values() if i.kind == kind and set(i.provinces) & within
        ]
        province = self.pack.items[province_id]
        chunk = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        rows: list[tuple[Button, ...]] = [
            (Button(i.name.get(lang)[:60], payload=f"i:{i.id}"),) for i in chunk
        ]
        nav = []
        if page > 0:
            nav.append(Button(_("« Back"), payload=f"p:{province_id}:{kind}:{page - 1}"))
        if (page + 1) * PAGE_SIZE < len(items):
            nav.append(Button(_("Next page »"), payload=f"p:{province_id}:{kind}:{page + 1}"))
        if nav:
            rows.append(tuple(nav))
        if not chunk:
            text = _("Nothing listed here yet.")
        else:
            label = {"place": _("Places"), "event": _("Events"), "tour": _("Tours")}[kind]
            text = _("{kind} in {province}:").format(kind=label, province=province.name.get(lang))
        return Reply(text=text, lang=lang, buttons=tuple(rows))

    def _nearest(self, where: Location, lang: str) -> Reply:
        places = [
            (haversine_km(where.lat, where.lon, p.coordinates.lat, p.coordinates.lon), p)
            for p in self.pack.items.values()
            if isinstance(p, Place) and p.coordinates is not None
        ]
        places.sort(key=lambda pair: pair[0])
        lines = [_("Nearest places:")]
        for km, place in places[:NEAREST]:
            lines.append(
                _("• {name}: {km} km").format(
                    name=place.name.get(lang), km=f"{km:.0f}" if km >= 10 else f"{km:.1f}"
                )
            )
        buttons = tuple(
            (
                Button(p.name.get(lang)[:40], payload=f"i:{p.id}"),
                Button(_("Show on map"), payload=f"m:{p.id}"),
            )
            for _km, p in places[:NEAREST]
        )
        return Reply(text="\n".join(lines), lang=lang, buttons=buttons)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _commands_text() -> str:
    return _(
        "/events — what is on\n/tours — joint tours\n/places — places by province\n"
        "/subscribe — event announcements\n/unsubscribe — stop announcements\n"
        "/language — Tiếng Việt / English\n/forget — delete my data"
    )
