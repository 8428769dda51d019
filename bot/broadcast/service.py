"""Staff operations shared by the chat and the command line: create, cancel, look up.

Every write is audited with who did it; authorization is the caller's job (the chat
checks the staff list on every request, the command line runs as the operator).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.broadcast.compose import Audience, format_when, resolve_audience
from bot.content.loader import ContentPack
from bot.store.outbox import Announcement, NewAnnouncement, Outbox, Progress
from bot.store.staff import StaffStore


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a chat user ("telegram", "123") or the command line ("cli", login)."""

    channel: str
    user_id: str

    @property
    def label(self) -> str:
        return f"{self.channel}:{self.user_id}"


class Announcements:
    def __init__(
        self,
        outbox: Outbox,
        staff: StaffStore,
        pack: Callable[[], ContentPack],
        timezone: str,
        default_lang: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.outbox = outbox
        self.staff = staff
        self.pack = pack
        self.timezone = timezone
        self.default_lang = default_lang
        self.clock = clock

    def audience(self, spec: str) -> Audience:
        """Raises ``AudienceError`` naming the first unknown word."""
        return resolve_audience(spec, self.pack())

    async def recipients(self, audience: Audience) -> dict[str, int]:
        """Subscribers the audience reaches now, by language."""
        return await self.outbox.audience_size(audience.topics, self.default_lang)

    async def create(
        self,
        actor: Actor,
        text_vi: str | None,
        text_en: str | None,
        audience: Audience,
        due_at: float | None,
        draft_rev: int | None = None,
    ) -> Announcement:
        """Store the announcement (and, when due now, its recipients) in one transaction.
        ``draft_rev`` consumes the actor's chat draft of that revision atomically; raises
        ``StaleDraft`` when it is gone or changed."""
        now = self.clock()
        new = NewAnnouncement(
            text_vi=text_vi or None,
            text_en=text_en or None,
            audience=audience.spec,
            topics=audience.topics,
            created_by=actor.label,
            due_at=now if due_at is None else due_at,
        )
        draft = (actor.channel, actor.user_id, draft_rev) if draft_rev is not None else None
        created = await self.outbox.create(new, now, draft)
        when = "now" if due_at is None else format_when(due_at, self.timezone)
        await self.staff.audit(
            actor.channel,
            actor.user_id,
            "announce.create",
            f"#{created.id} to {audience.spec} at {when}: {created.total} recipients",
            allowed=True,
        )
        return created

    async def cancel(self, actor: Actor, ident: int) -> bool:
        done = await self.outbox.cancel(ident, self.clock())
        await self.staff.audit(
            actor.channel,
            actor.user_id,
            "announce.cancel",
            f"#{ident}" + ("" if done else " (not running)"),
            allowed=True,
        )
        return done

    async def progress(self, ident: int) -> Progress | None:
        return await self.outbox.progress(ident)

    async def recent(self, limit: int = 10) -> list[Announcement]:
        return await self.outbox.recent(limit)
