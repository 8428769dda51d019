"""The pacer and the per-chat spacing on their own (with a hand-driven clock)."""

from __future__ import annotations

import pytest

from bot.broadcast.pacing import ChatSpacing, Pacer


class Hand:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_pauses_extend_and_are_counted_once() -> None:
    clock = Hand()
    pacer = Pacer(10.0, clock)
    pacer.pause(2.0)
    pacer.pause(1.0)  # shorter: no effect
    clock.now += 1.0
    pacer.pause(2.0)  # overlaps the first by one second
    assert pacer.paused_until == pytest.approx(103.0)
    assert pacer.paused_total == pytest.approx(3.0)


def test_chat_spacing_remembers_only_the_last_interval() -> None:
    clock = Hand()
    spacing = ChatSpacing(1.0, clock)
    for chat in range(1000):
        spacing.mark(("telegram", str(chat)))
        clock.now += 0.01
    # Ten seconds of sends, one second of memory: ~100 chats, not 1,000.
    assert len(spacing) <= 101
    assert spacing.delay(("telegram", "999")) == pytest.approx(0.99)
    assert spacing.delay(("telegram", "0")) == 0.0


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0)
