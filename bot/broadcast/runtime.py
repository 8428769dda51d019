"""Wiring of the broadcast pieces: their own database connection, the repositories, and
the outbox worker for ``tourbot run``."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.broadcast.config import BroadcastSettings
from bot.broadcast.reminders import Reminders
from bot.broadcast.service import Announcements
from bot.broadcast.worker import OutboxWorker
from bot.config import Settings
from bot.content.loader import ContentPack
from bot.core.outbound import Sender
from bot.store.db import Db, connect
from bot.store.leases import Leases
from bot.store.outbox import Outbox
from bot.store.reports import Reports
from bot.store.staff import StaffStore


def pace_key(settings: Settings) -> str:
    """The shared send budget's key: one per Telegram bot token (a hash, never the token)."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    return "telegram:" + hashlib.sha256(token.encode()).hexdigest()[:16] if token else "default"


@dataclass
class Broadcasting:
    """Everything announcements need, built once from the settings.

    It opens a second connection to the bot's database file: the outbox's multi-statement
    transactions hold their connection (``Db.tx``) while they run, and the chat's
    connection stays free meanwhile (WAL lets both work side by side).

    ``senders`` (by channel) starts empty: the composition root adds the sender of
    each channel it serves with ``add_sender`` before ``run``.
    """

    settings: Settings
    config: BroadcastSettings
    db: Db
    outbox: Outbox
    leases: Leases
    staff_store: StaffStore
    reports: Reports
    service: Announcements
    clock: Callable[[], float]
    senders: dict[str, Sender] = field(default_factory=dict)
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        pack: Callable[[], ContentPack],
        config: BroadcastSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Broadcasting:
        """``pack`` returns the current content (it changes on reload)."""
        config = config or BroadcastSettings()
        db = await connect(settings.db)
        outbox, staff_store = Outbox(db), StaffStore(db)
        service = Announcements(
            outbox, staff_store, pack, settings.timezone, settings.default_lang, clock
        )
        broadcasting = cls(
            settings, config, db, outbox, Leases(db), staff_store, Reports(db), service, clock
        )
        return broadcasting

    def add_sender(
        self,
        sender: Sender,
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Let the worker send to ``sender.channel``; ``close`` runs when the
        broadcasting closes."""
        self.senders[sender.channel] = sender
        if close is not None:
            self._closers.append(close)

    def on_close(self, close: Callable[[], Awaitable[None]]) -> None:
        """Run ``close`` when the broadcasting closes (a connection it does not use)."""
        self._closers.append(close)

    def worker(self) -> OutboxWorker:
        config = self.config
        reminders = Reminders(
            self.outbox,
            self.service.pack,
            self.settings.timezone,
            config.reminder_days,
            config.reminder_hour,
        )
        return OutboxWorker(
            self.outbox,
            self.leases,
            self.senders,
            config,
            self.settings.default_lang,
            reminders=reminders,
            clock=self.clock,
            pace_key=pace_key(self.settings),
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Send announcements and reminders until ``stop`` is set (``tourbot run``)."""
        await self.worker().run(stop)

    async def close(self) -> None:
        for close in self._closers:
            await close()
        await self.db.close()
