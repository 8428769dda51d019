"""The relay: sends the queued messages of handoffs, to staff and to visitors.

It runs in ``tourbot run`` (the process that has the channels' senders) and polls the
queue, so whichever process wrote a row (the core process, the CLI) needs no link to it.
Rows go out in id order per conversation; a message that cannot go yet (a time-out, a
flood wait) holds back the later ones of its conversation, never the others. A message
refused for good is marked and staff are told in the topic, instead of it failing
silently. Platform windows: Zalo OA takes consultation messages free within 48 h of the
visitor's last message and refuses them after 7 days.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.channels.plain import split_text
from bot.core.outbound import Outcome, Recipient, Sender
from bot.handoff import texts
from bot.handoff.payloads import CloseHandoff, TakeHandoff
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.store.handoffs import Direction, Handoff, Handoffs, Message

log = logging.getLogger(__name__)

HOUR = 3600.0
# (free window, last window) in seconds after the visitor's last message, per channel.
WINDOWS: dict[str, tuple[float, float]] = {"zalo-oa": (48 * HOUR, 7 * 24 * HOUR)}
# Longest text per message; longer ones are split (Zalo's senders split on their own).
LIMITS: dict[str, int] = {"telegram": 4096}
HELD = ("temporary", "retry_after")


class StaffDesk(Protocol):
    """The staff chat, as the relay uses it (``bot.channels.telegram_desk``)."""

    async def open_topic(self, title: str) -> int | None:
        """A new forum topic's thread id; None where the chat has no topics."""
        ...

    async def post(
        self,
        text: str,
        thread_id: int | None,
        reply_to: int | None,
        buttons: Sequence[tuple[str, str]] = (),
    ) -> tuple[Outcome, int | None]:
        """Post ``text`` (split if long); the outcome and the first message's id."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RelayTuning:
    poll_interval: float = 0.3
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_attempts: int = 20  # then the message is failed and staff are told
    # Telegram allows a group about 20 messages a minute: a burst of that many, then one
    # every 3 s (platforms.md, FloodLimit).
    staff_burst: int = 20
    staff_per_minute: float = 20.0


class Budget:
    """A token bucket: ``burst`` sends at once, refilled at ``per_minute``; never waits."""

    def __init__(self, burst: int, per_minute: float, clock: Callable[[], float]) -> None:
        self._burst = float(burst)
        self._rate = per_minute / 60.0
        self._tokens = float(burst)
        self._clock = clock
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


class Relay:
    """Sends pending handoff messages until stopped; also closes quiet conversations."""

    def __init__(
        self,
        handoffs: Handoffs,
        desk: StaffDesk | None,
        senders: Mapping[str, Sender],
        staff_lang: str,
        quiet_seconds: float,
        tuning: RelayTuning | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._handoffs = handoffs
        self._desk = desk
        self._senders = senders
        self._staff_lang = staff_lang
        self._quiet = quiet_seconds
        self._tuning = tuning = tuning or RelayTuning()
        self._clock = clock
        self._staff_budget = Budget(tuning.staff_burst, tuning.staff_per_minute, clock)
        # Flood control ("retry after N s") pauses every send to that target, not just
        # the message that met it: "staff" or a visitor channel's name.
        self._paused: dict[str, float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.step()
            except Exception:  # the next pass tries again; nothing is lost meanwhile
                log.exception("handoff relay: a pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._tuning.poll_interval)

    async def step(self) -> int:
        """One pass: close quiet conversations, then send what is due; returns how many
        messages were handled."""
        await self._close_quiet()
        now = self._clock()
        held: set[int] = set()
        cache: dict[int, Handoff | None] = {}
        handled = 0
        for message in await self._handoffs.pending(now):
            if message.handoff_id in held:
                continue
            if message.handoff_id not in cache:
                cache[message.handoff_id] = await self._handoffs.get(message.handoff_id)
            handoff = cache[message.handoff_id]
            if handoff is None:
                continue  # deleted (/forget) between the read and now
            target = handoff.channel if message.direction == "out" else "staff"
            if self._paused.get(target, 0.0) > now or (
                target == "staff" and not self._staff_budget.take()
            ):
                held.add(handoff.id)  # its turn comes in a later pass, untouched
                continue
            kept = await self._one(handoff, message)
            if kept:
                held.add(handoff.id)
            else:
                handled += 1
            if message.direction == "card":  # it has its topic and card now
                cache[handoff.id] = await self._handoffs.get(handoff.id)
        return handled

    async def _close_quiet(self) -> None:
        now = self._clock()
        for handoff in await self._handoffs.quiet_since(now - self._quiet):
            with use_lang(handoff.lang):
                ended = texts.ended()
            with use_lang(self._staff_lang):
                note = texts.closed_quiet(self._quiet / 60)
            notices: list[tuple[Direction, str]] = [("out", ended), ("note", note)]
            await self._handoffs.close(handoff.id, "quiet", now, notices)

    async def _one(self, handoff: Handoff, message: Message) -> bool:
        """Send one message; True when it stays pending (the conversation waits)."""
        if message.direction == "out":
            outcome, copy = await self._to_visitor(handoff, message), None
        else:
            outcome, copy = await self._to_staff(handoff, message)
        now = self._clock()
        if outcome.kind == "retry_after":
            target = handoff.channel if message.direction == "out" else "staff"
            self._paused[target] = max(self._paused.get(target, 0.0), now + outcome.seconds)
        if outcome.kind in HELD and message.attempts + 1 < self._tuning.max_attempts:
            delay = outcome.seconds or min(
                self._tuning.max_backoff, self._tuning.backoff * 2**message.attempts
            )
            await self._handoffs.retry_later(message.id, now + delay, outcome.reason)
            log.info(
                "handoff %d: message %d retried in %.1f s: %s",
                handoff.id,
                message.id,
                delay,
                outcome.reason,
            )
            return True
        if outcome.kind == "sent":
            await self._handoffs.done(message.id, "sent", now, staff_message_id=copy)
            log.info("handoff %d: %s message %d sent", handoff.id, message.direction, message.id)
            return False
        status = "skipped" if outcome.kind == "skipped" else "failed"
        await self._handoffs.done(message.id, status, now, outcome.reason)
        log.warning(
            "handoff %d: a %s message was not delivered: %s",
            handoff.id,
            message.direction,
            outcome.reason,
        )
        if message.direction == "out":
            with use_lang(self._staff_lang):
                reason = outcome.reason
                if reason == "outside 7-day window":
                    note = texts.outside_window()
                else:
                    note = texts.not_delivered(reason)
            await self._handoffs.note(handoff.id, note, now)
        return False

    async def _to_visitor(self, handoff: Handoff, message: Message) -> Outcome:
        sender = self._senders.get(handoff.channel)
        if sender is None:  # this process does not serve that channel: wait for one that does
            return Outcome.temporary(f"channel {handoff.channel} not served here")
        window = WINDOWS.get(handoff.channel)
        if window is not None:
            silent = self._clock() - handoff.visitor_at
            if silent > window[1]:
                return Outcome.skipped("outside 7-day window")
            if silent > window[0] and message.attempts == 0:
                with use_lang(self._staff_lang):
                    await self._handoffs.note(handoff.id, texts.billed_window(), self._clock())
        recipient = Recipient(handoff.channel, handoff.user_id, handoff.lang)
        limit = LIMITS.get(handoff.channel)
        pieces = split_text(message.text, limit) if limit else [message.text]
        outcome = Outcome.failed("empty message")
        for piece in pieces:
            outcome = await sender.send(recipient, piece)
            if outcome.kind != "sent":
                break
        return outcome

    async def _to_staff(self, handoff: Handoff, message: Message) -> tuple[Outcome, int | None]:
        desk = self._desk
        if desk is None:
            return Outcome.temporary("no staff chat served here"), None
        with use_lang(self._staff_lang):
            if message.direction == "card":
                return await self._card(desk, handoff, message)
            threaded = handoff.thread_id is not None
            text = message.text
            if message.direction == "in":
                text = texts.from_visitor(handoff, text, threaded)
            elif not threaded:
                text = f"#{handoff.id} {text}"
        reply_to = None if threaded else handoff.card_message_id
        return await desk.post(text, handoff.thread_id, reply_to)

    async def _card(
        self, desk: StaffDesk, handoff: Handoff, message: Message
    ) -> tuple[Outcome, int | None]:
        thread = handoff.thread_id
        if thread is None:
            thread = await desk.open_topic(texts.topic_title(handoff))
        body = texts.card(handoff, message.text)
        buttons = (
            (_("Take it"), TakeHandoff(handoff.id).pack()),
            (_("Close"), CloseHandoff(handoff.id).pack()),
        )
        outcome, copy = await desk.post(body, thread, None, buttons)
        if outcome.kind == "sent":
            await self._handoffs.placed(handoff.id, thread, copy)
        return outcome, copy
