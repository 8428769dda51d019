"""The composition root: settings → store → content → index → engine → dispatcher."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.content.loader import ContentError, ContentPack, require_content
from bot.core.dialogue import DialogueKeeper
from bot.core.dispatcher import Dispatcher
from bot.core.engine import Engine
from bot.core.feature import Feature
from bot.core.features.answer import AnswerFeature, InlineCards
from bot.core.features.browse import BrowseFeature
from bot.core.features.details import DetailsFeature
from bot.core.features.fallbacks import StaleButtonFeature, UnknownCommandFeature
from bot.core.features.feedback import FeedbackFeature, FeedbackPrompt
from bot.core.features.followup import FollowUpFeature
from bot.core.features.forget import ForgetFeature
from bot.core.features.language import LanguageFeature
from bot.core.features.lists import ListFeature
from bot.core.features.nearby import NearbyFeature
from bot.core.features.practical import PracticalFeature
from bot.core.features.scope import NoPersonFeature, OutOfScopeFeature
from bot.core.features.smalltalk import SmallTalkFeature
from bot.core.features.start import StartFeature
from bot.core.features.subscriptions import SubscriptionFeature
from bot.core.features.trips import TripFeature
from bot.i18n import load_catalogs
from bot.nlu import Understanding, gazetteer_from
from bot.search.index import SearchIndex
from bot.store.db import Db, connect
from bot.store.docs import Docs
from bot.store.questions import Questions
from bot.store.users import Users

if TYPE_CHECKING:
    from bot.broadcast.runtime import Broadcasting

log = logging.getLogger(__name__)

DIALOGUE_TTL = 3600.0  # seconds of quiet after which a chat's context is forgotten


@dataclass
class App:
    """Everything a channel needs, built once and passed in explicitly."""

    settings: Settings
    db: Db
    users: Users
    questions: Questions
    docs: Docs
    content: Content
    # None when another process answers (``tourbot run`` with its core process): this
    # one then builds no search index.
    engine: Engine | None
    conversation: Dispatcher | None
    broadcasting: Broadcasting | None = None

    @property
    def pack(self) -> ContentPack:
        return self.content.pack

    async def reload_content(self, pack: ContentPack | None = None) -> ContentPack:
        """Serve ``pack``, by default the content folder loaded again; on any problem keep
        serving the last good pack."""
        if pack is None:
            pack = require_content(self.settings.content_dir, self.settings.parsed_cache)
        if self.engine is not None:
            index = await SearchIndex.open(pack, self.docs)
            self.engine.pack, self.engine.index = pack, index
        self.content.pack = pack
        return pack

    async def close(self) -> None:
        if self.conversation is not None:
            await self.conversation.close()
        if self.broadcasting is not None:
            await self.broadcasting.close()
        await self.db.close()


@dataclass
class Content:
    """The content pack being served; replaced whole on a reload."""

    pack: ContentPack


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading content allocates ~100,000 objects that live as long as the pack: the
    collector's passes over the growing heap meanwhile free nothing and cost ~50 ms of
    `tourbot ask`'s start-up."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def staff_feature(broadcasting: Broadcasting, settings: Settings) -> Feature:
    """The staff commands, driving the announcements of ``broadcasting``."""
    from bot.staff.handler import StaffFeature

    b = broadcasting
    return StaffFeature(b.service, b.staff_store, b.reports, settings.staff_ids)


def handoff_features(
    settings: Settings, db: Db, broadcasting: Broadcasting, staff: Feature
) -> tuple[list[Feature], list[Feature]]:
    """(raw, visitor) features of the handoff to staff: the staff chat and the routing of
    visitors talking to a person come before anything else; asking for a person is the
    first visitor feature. Empty without a staff chat (``TOURBOT_STAFF_CHAT_ID``)."""
    if settings.staff_chat_id is None:
        return [], []
    from bot.handoff.hours import StaffHours
    from bot.handoff.staff_chat import StaffChatFeature
    from bot.handoff.visitor import HandoffDesk, HandoffRequest, HandoffRouting
    from bot.staff.handler import StaffFeature
    from bot.store.handoffs import Handoffs

    hours = StaffHours.parse(settings.staff_hours, settings.staff_days, settings.timezone)
    desk = HandoffDesk(Handoffs(db), hours, settings.handoff_wait_minutes, settings.default_lang)
    assert isinstance(staff, StaffFeature)
    store = broadcasting.staff_store

    async def audit(channel: str, user_id: str, action: str, allowed: bool) -> None:
        await store.audit(channel, user_id, action, allowed=allowed)

    chat = StaffChatFeature(desk, settings.staff_chat_id, staff.is_staff, audit)
    return [chat, HandoffRouting(desk)], [HandoffRequest(desk)]


def build_dispatcher(
    engine: Engine,
    users: Users,
    questions: Questions,
    today: Callable[[], dt.date],
    default_lang: str,
    staff: Feature | None = None,
    dialogue_ttl: float = DIALOGUE_TTL,
    handoff: tuple[list[Feature], list[Feature]] = ([], []),
) -> Dispatcher:
    """The conversation: the staff chat, staff commands (a forged staff button is
    refused, not answered) and visitors talking to a person first, then the visitor
    features."""
    dialogues = DialogueKeeper(users, dialogue_ttl)
    raw, requests = handoff
    staff_chat, routing = raw[:1], raw[1:]
    features = [
        *staff_chat,
        *([staff] if staff is not None else []),
        *routing,
        *requests,
        *visitor_features(engine, users, questions, dialogues, offer_person=bool(requests)),
    ]
    cards = InlineCards(engine, today)
    nlu = understanding(engine)
    return Dispatcher(
        features, users, cards, today, default_lang, dialogues, nlu, engine.language_of
    )


def understanding(engine: Engine) -> Callable[[], Understanding]:
    """The message classifier for the pack being served (rebuilt after a reload)."""
    built: dict[str, Understanding] = {}

    def current() -> Understanding:
        pack = engine.pack
        nlu = built.get(pack.fingerprint)
        if nlu is None:
            built.clear()
            nlu = built[pack.fingerprint] = Understanding(*gazetteer_from(pack.items.values()))
        return nlu

    return current


def visitor_features(
    engine: Engine,
    users: Users,
    questions: Questions,
    dialogues: DialogueKeeper,
    offer_person: bool = False,
) -> list[Feature]:
    """The visitor side of the conversation, in the order the dispatcher asks them:
    commands and buttons first, then fallbacks, then answering a question."""

    def pack() -> ContentPack:
        return engine.pack  # read per message: a reload swaps the pack

    feedback = FeedbackPrompt(questions.feedback())
    answer = AnswerFeature(engine, users, questions, feedback, offer_person)
    nearby = NearbyFeature(pack)
    subscriptions = SubscriptionFeature(users, pack)
    # With a staff chat, bot.handoff answers "talk to a person" before these features.
    no_person: list[Feature] = [] if offer_person else [NoPersonFeature(engine)]
    return [
        *no_person,
        StartFeature(pack),
        LanguageFeature(users),
        subscriptions,
        ForgetFeature(users, dialogues),
        FeedbackFeature(feedback),  # before any feature that answers typed text: see there
        BrowseFeature(engine),
        ListFeature(engine),  # before Details: it owns the "l." list pages
        DetailsFeature(engine),
        nearby,
        UnknownCommandFeature(),
        StaleButtonFeature(),
        SmallTalkFeature(),
        OutOfScopeFeature(engine),
        TripFeature(engine),
        PracticalFeature(engine),
        FollowUpFeature(engine, answer, nearby, subscriptions),
        answer,
    ]


def clock(tz: str) -> Callable[[], dt.date]:
    zone = ZoneInfo(tz)
    return lambda: dt.datetime.now(zone).date()


async def build_app(
    settings: Settings,
    today: Callable[[], dt.date] | None = None,
    *,
    broadcasting: bool = True,
    pack: ContentPack | None = None,
    answering: bool = True,
) -> App:
    """Open the database, load and index the content, and wire the conversation.

    ``broadcasting`` adds the announcements outbox and the staff commands; one-shot
    commands such as ``tourbot ask`` leave it out to start faster. ``pack``, when given,
    is served instead of the content folder (the core process gets its parent's).
    Without ``answering`` there is no index, engine or conversation: the process only
    serves channels and announcements for a core process that answers.
    """
    load_catalogs()
    with _collector_paused():
        if pack is None:
            pack = require_content(settings.content_dir, settings.parsed_cache)
        db = await connect(settings.db)
        try:
            docs = Docs(db)
            index = await SearchIndex.open(pack, docs) if answering else None
        except BaseException:
            await db.close()
            raise
    users, questions = Users(db), Questions(db, settings.question_retention_days)
    content = Content(pack)
    outbox = None
    if broadcasting:
        from bot.broadcast.runtime import Broadcasting

        outbox = await Broadcasting.open(settings, lambda: content.pack)
    if index is None:
        return App(settings, db, users, questions, docs, content, None, None, outbox)
    engine = Engine(pack, index, docs, settings.default_lang)
    today = today or clock(settings.timezone)
    staff = staff_feature(outbox, settings) if outbox is not None else None
    handoff: tuple[list[Feature], list[Feature]] = ([], [])
    if outbox is not None and staff is not None:
        handoff = handoff_features(settings, db, outbox, staff)
    dispatcher = build_dispatcher(
        engine,
        users,
        questions,
        today,
        settings.default_lang,
        staff,
        settings.dialogue_ttl,
        handoff,
    )
    return App(settings, db, users, questions, docs, content, engine, dispatcher, outbox)


__all__ = ["App", "ContentError", "build_app"]
