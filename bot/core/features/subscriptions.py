"""/subscribe, /unsubscribe and the "Remind me" button of an event."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.loader import ContentPack
from bot.content.schema import Event, Province
from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.models import Button, Reply
from bot.core.payloads import Remind, SubscribeAll, SubscribeTopic, decode
from bot.i18n import gettext as _
from bot.store.users import User, Users

_FAMILIES = (SubscribeAll, SubscribeTopic, Remind)


class SubscriptionFeature:
    """Announcements by province, by event, or all of them."""

    def __init__(self, users: Users, pack: Callable[[], ContentPack]) -> None:
        self._users = users
        self._pack = pack

    async def claims(self, turn: Turn) -> bool:
        if turn.msg.payload is not None:
            return decode(turn.msg.payload, _FAMILIES) is not None
        command = turn.command
        return command is not None and command[0] in ("subscribe", "unsubscribe")

    async def handle(self, turn: Turn) -> list[Reply]:
        lang, user = turn.lang, turn.user
        if turn.msg.payload is not None:
            payload = decode(turn.msg.payload, _FAMILIES)
            topic: str | None = None
            if isinstance(payload, Remind):
                return [await self.remind(user, payload.item_id, lang)]
            if isinstance(payload, SubscribeAll):
                topic = "all"
            elif isinstance(payload, SubscribeTopic):
                topic = self.topic(f"{payload.scope}:{payload.ident}")
            if topic is None:
                return [stale_button(lang)]
            return [await self.subscribe(user, topic, lang)]
        assert turn.command is not None
        name, arg = turn.command
        if name == "unsubscribe":
            removed = await self._users.unsubscribe(user.channel, user.user_id)
            text = (
                _("You will receive no more announcements.")
                if removed
                else _("You had no subscriptions.")
            )
            return [Reply(text=text, lang=lang)]
        topic = self.topic(arg)
        if topic is None:
            return [self._choices(lang)]
        return [await self.subscribe(user, topic, lang)]

    async def remind(self, user: User, item_id: str, lang: str) -> Reply:
        """Subscribe to one event: a reminder before it and its announcements."""
        item = self._pack().items.get(item_id)
        if not isinstance(item, Event):
            return stale_button(lang)
        await self._users.subscribe(user.channel, user.user_id, f"event:{item.id}")
        text = _(
            "Saved: you will get a reminder and the announcements about"
            " {name}. Send /unsubscribe to stop."
        ).format(name=item.name.get(lang))
        return Reply(text=text, lang=lang)

    async def subscribe(self, user: User, topic: str, lang: str) -> Reply:
        await self._users.subscribe(user.channel, user.user_id, topic)
        return Reply(
            text=_(
                "Subscribed: {topic}. You will get event announcements for it."
                " Send /unsubscribe to stop."
            ).format(topic=self._label(topic, lang)),
            lang=lang,
        )

    def _choices(self, lang: str) -> Reply:
        rows = tuple(
            (Button(p.name.get(lang), payload=SubscribeTopic("province", p.id).pack()),)
            for p in self._pack().items.values()
            if isinstance(p, Province) and not p.merged_into
        )
        return Reply(
            text=_("What would you like news about? Choose a province, or everything."),
            lang=lang,
            buttons=((Button(_("Everything"), payload=SubscribeAll().pack()),), *rows),
        )

    def topic(self, arg: str) -> str | None:
        """The subscription topic a /subscribe argument names, or None."""
        items = self._pack().items
        arg = arg.strip().lower()
        if arg in ("all", "tat ca", "everything"):
            return "all"
        scope, _sep, ident = arg.partition(":")
        if scope in ("province", "event") and ident in items:
            return arg
        if arg in items and isinstance(items[arg], Province):
            return f"province:{arg}"
        return None

    def _label(self, topic: str, lang: str) -> str:
        if topic == "all":
            return _("everything")
        _scope, _sep, ident = topic.partition(":")
        item = self._pack().items.get(ident)
        return item.name.get(lang) if item else ident
