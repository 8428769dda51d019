"""Button payloads: one codec packs and reads every family, strictly, within 64 bytes."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.models import Inbound
from bot.core.payloads import (
    MAX_BYTES,
    Browse,
    Forget,
    Page,
    PayloadError,
    ShowItem,
    SubscribeAll,
    SubscribeTopic,
    decode,
)
from bot.staff.payloads import FAMILIES as STAFF_FAMILIES
from bot.staff.payloads import ChooseAll, ChooseAudience, Confirm, Progress


@pytest.mark.parametrize(
    ("payload", "wire"),
    [
        (ShowItem("hoi-lim"), "i:hoi-lim"),
        (Browse("bac-ninh", "place", 2), "p:bac-ninh:place:2"),
        (SubscribeAll(), "sub:all"),
        (SubscribeTopic("province", "lang-son"), "sub:province:lang-son"),
        (Forget("yes"), "forget:yes"),
        (Page("ev.2027-02-10.2027-02-20", 1), "pg:ev.2027-02-10.2027-02-20:1"),
        (Progress(12), "st:p:12"),
        (ChooseAll(), "st:a:all"),
        (ChooseAudience("p", "bac-ninh"), "st:a:p:bac-ninh"),
        (Confirm(3), "st:ok:3"),
    ],
)
def test_round_trip_keeps_the_wire_format(payload: object, wire: str) -> None:
    assert payload.pack() == wire  # type: ignore[attr-defined]
    assert type(payload).unpack(wire) == payload  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "raw",
    [
        "p:bac-ninh:place:²",  # str.isdigit() says yes; the codec says no
        "p:bac-ninh:place:-1",
        "p:bac-ninh:place",
        "p:bac-ninh:place:1:extra",
        "i:",
        "i:hội-lim",
        "i:a b",
        "st:p:1234567890",
        "st:p:٣",
        "x" * (MAX_BYTES + 1),
    ],
)
def test_malformed_payloads_are_refused_the_same_way(raw: str) -> None:
    families = (ShowItem, Browse, SubscribeAll, SubscribeTopic, Forget, Page, *STAFF_FAMILIES)
    assert decode(raw, families) is None


def test_packing_checks_the_alphabet_and_the_64_bytes() -> None:
    with pytest.raises(PayloadError):
        ShowItem("chùa").pack()
    with pytest.raises(PayloadError):
        ShowItem("a" * 70).pack()
    assert len(Browse("a" * 40, "event", 999).pack().encode()) <= MAX_BYTES


def test_families_do_not_read_each_other() -> None:
    assert SubscribeTopic.unpack("sub:all") is None and SubscribeAll.unpack("sub:all")
    assert ChooseAudience.unpack("st:a:all") is None and ChooseAll.unpack("st:a:all")


async def test_a_forged_button_gets_the_menu_not_a_traceback(app: App) -> None:
    assert app.conversation is not None
    for raw in ("p:bac-ninh:place:²", "i:no-such-item", "m:hoi-lim", "zz:1", "st:p:²"):
        [reply] = await app.conversation.handle(Inbound("test", "f1", "f1", payload=raw))
        assert not reply.answered and reply.text
