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
from bot.core.dispatcher import Dispatcher
from bot.core.engine import Engine
from bot.i18n import load_catalogs
from bot.search.index import SearchIndex
from bot.store.db import Db, connect
from bot.store.docs import Docs
from bot.store.questions import Questions
from bot.store.users import Users

if TYPE_CHECKING:
    from bot.broadcast.runtime import Broadcasting

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything a channel needs, built once and passed in explicitly."""

    settings: Settings
    db: Db
    users: Users
    questions: Questions
    docs: Docs
    engine: Engine
    conversation: Dispatcher
    broadcasting: Broadcasting | None = None

    async def reload_content(self, pack: ContentPack | None = None) -> ContentPack:
        """Serve ``pack``, by default the content folder loaded again; on any problem keep
        serving the last good pack."""
        if pack is None:
            pack = require_content(self.settings.content_dir)  # raises ContentError
        index = await SearchIndex.open(pack, self.docs)
        self.engine.pack, self.engine.index = pack, index
        return pack

    async def close(self) -> None:
        if self.broadcasting is not None:
            await self.broadcasting.close()
        await self.db.close()


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


def clock(tz: str) -> Callable[[], dt.date]:
    zone = ZoneInfo(tz)
    return lambda: dt.datetime.now(zone).date()


async def build_app(
    settings: Settings,
    today: Callable[[], dt.date] | None = None,
    *,
    broadcasting: bool = True,
    pack: ContentPack | None = None,
) -> App:
    """Open the database, load and index the content, and wire the conversation.

    ``broadcasting`` adds the announcements outbox and the staff commands; one-shot
    commands such as ``tourbot ask`` leave it out to start faster. ``pack``, when given,
    is served instead of the content folder (the core process gets its parent's).
    """
    load_catalogs()
    with _collector_paused():
        if pack is None:
            pack = require_content(settings.content_dir)
        db = await connect(settings.db)
        try:
            docs = Docs(db)
            index = await SearchIndex.open(pack, docs)
        except BaseException:
            await db.close()
            raise
    users, questions = Users(db), Questions(db, settings.question_retention_days)
    engine = Engine(pack, index, docs, settings.default_lang)
    outbox = None
    if broadcasting:
        from bot.broadcast.runtime import Broadcasting

        outbox = await Broadcasting.open(settings, lambda: engine.pack)
    dispatcher = Dispatcher(
        engine,
        users,
        questions,
        today or clock(settings.timezone),
        staff=outbox.staff_handler() if outbox is not None else None,
    )
    return App(settings, db, users, questions, docs, engine, dispatcher, outbox)


__all__ = ["App", "ContentError", "build_app"]
