"""The base of channels that take updates in and answer later, in order per user (Zalo).

It owns what such channels share: de-duplication of redelivered updates, per-user
queues, the numbered options a user may answer with, the user's language, and the one
place that asks the core, apologises when that fails, and delivers the replies.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from bot.channels.plain import pick_option
from bot.channels.zalo_common import UserQueues
from bot.core.models import Inbound, Reply
from bot.core.outbound import Outcome
from bot.core.ports import Conversation
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.redact import log_id
from bot.store.db import Db
from bot.store.users import Users
from bot.store.zalo import NumberedOptions, SeenMessages

log = logging.getLogger(__name__)


class QueueTuning(Protocol):
    """The knobs every queued channel's tuning has."""

    @property
    def options_ttl(self) -> float: ...  # a number older than this is just text
    @property
    def seen_window(self) -> float: ...  # how long a handled update id is remembered
    @property
    def prune_every(self) -> int: ...
    @property
    def drain_timeout(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where replies go: a chat, the user who wrote there, and whether it is private."""

    chat_id: str
    user_id: str
    private: bool = True


class QueuedChannel(abc.ABC):
    """Subclasses set ``channel`` and implement ``deliver`` and ``send_texts``."""

    channel: ClassVar[str]

    def __init__(
        self,
        conversation: Conversation,
        db: Db,
        default_lang: str,
        tuning: QueueTuning,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._conversation = conversation
        self._users = Users(db)
        self._seen = SeenMessages(db)
        self._options = NumberedOptions(db)
        self._default_lang = default_lang
        self._queue_tuning = tuning
        self._clock = clock
        self._queues = UserQueues()
        self._accepted = 0

    # -- inbound ------------------------------------------------------------------------

    async def first_time(self, key: str, body: str | None = None) -> bool:
        """Whether the update ``key`` is new (remembering it, with its ``body`` until it is
        handled); old keys are pruned now and then, so the table stays the size of the
        redelivery window."""
        now = self._clock()
        if not await self._seen.add(self.channel, key, now, body):
            return False
        self._accepted += 1
        if self._accepted % self._queue_tuning.prune_every == 1:
            await self._seen.prune(self.channel, now - self._queue_tuning.seen_window)
        return True

    def submit(
        self, user_id: str, job: Callable[[], Awaitable[None]], key: str | None = None
    ) -> None:
        """Run ``job`` after the user's earlier jobs (concurrently across users); once it
        has run (or failed: the user got an apology), update ``key`` counts as handled.
        A job cancelled by a shutdown stays unhandled, for ``recover``."""

        async def run_and_mark() -> None:
            try:
                await job()
            finally:
                task = asyncio.current_task()
                if key is not None and not (task is not None and task.cancelling()):
                    await self._seen.handled(self.channel, key)

        self._queues.submit(user_id, run_and_mark if key is not None else job)

    async def recover(self) -> int:
        """Queue again the updates accepted but not handled before the last stop (a crash,
        a kill): they were answered 200, so the platform will not send them again."""
        waiting = await self._seen.unhandled(self.channel)
        for key, body in waiting:
            if not self.resume(key, body):
                await self._seen.handled(self.channel, key)  # unreadable: not again
        if waiting:
            log.info(
                "%s: %d updates accepted before a stop handled now", self.channel, len(waiting)
            )
        return len(waiting)

    def resume(self, key: str, body: str) -> bool:
        """Queue the stored update ``body`` (see ``recover``); False when unreadable."""
        return False

    async def picked(self, user_id: str, text: str | None) -> str | None:
        """The payload of the numbered option ``text`` picks, if it is one on offer."""
        since = self._clock() - self._queue_tuning.options_ttl
        return pick_option(text, await self._options.load(self.channel, user_id, since))

    async def lang(self, user_id: str) -> str:
        user = await self._users.get(self.channel, user_id)
        return (user.lang if user else None) or self._default_lang

    # -- answering ------------------------------------------------------------------------

    async def converse(self, target: Target, inbound: Inbound) -> None:
        """Ask the core and deliver its replies; if that fails, apologise (the one place)."""
        try:
            replies = await self._conversation.handle(inbound)
        except Exception:
            log.exception("%s: a message of user %s failed", self.channel, log_id(target.user_id))
            with use_lang(await self.lang(target.user_id)):
                sorry = _("Sorry, something went wrong. Please try again.")
            await self.send_texts(target, [sorry])
            return
        await self.deliver(target, replies)

    async def text_only(self, target: Target) -> None:
        """The answer to a message the channel cannot read (a sticker, a picture...)."""
        with use_lang(await self.lang(target.user_id)):
            notice = _("Sorry, I can only read text messages. Please type your question.")
        await self.send_texts(target, [notice])

    async def remember_options(self, user_id: str, payloads: Sequence[str]) -> None:
        """What each number means from now on (saved before sending: a quick "1" works)."""
        await self._options.save(self.channel, user_id, payloads, self._clock())

    async def gone(self, target: Target, outcome: Outcome) -> None:
        """Tell the core a user blocked the bot (a group says nothing about its members)."""
        if outcome.kind == "blocked" and target.private:
            await self._conversation.mark_blocked(self.channel, target.user_id)

    @abc.abstractmethod
    async def deliver(self, target: Target, replies: Sequence[Reply]) -> Outcome:
        """Send the replies of one turn, in order."""

    @abc.abstractmethod
    async def send_texts(self, target: Target, texts: Sequence[str]) -> Outcome:
        """Send plain texts, in order, with the conversation's retries."""

    async def drain(self) -> None:
        """Let queued work finish for a moment, then cancel the rest (shutting down)."""
        await self._queues.drain(self._queue_tuning.drain_timeout)
