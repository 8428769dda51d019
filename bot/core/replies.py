"""Replies every feature may give: the greeting, the menu, one item by id."""

from __future__ import annotations

import datetime as dt

from bot.content.loader import ContentPack
from bot.content.schema import Event, Item
from bot.core import answers
from bot.core.models import Button, Reply
from bot.core.payloads import AskHuman, Menu
from bot.i18n import gettext as _
from bot.i18n import use_lang


def help_text() -> str:
    return _(
        "Hello! I am the tourism guide of Bắc Giang and its partner provinces (Bắc Ninh,"
        " Thái Nguyên, Hải Dương, Lạng Sơn, Nghệ An). Ask me about places, festivals and"
        " their dates, joint tours, heritage and food — in Vietnamese or English."
    )


def menu_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(_("Events"), payload=Menu("events").pack()),
            Button(_("Tours"), payload=Menu("tours").pack()),
            Button(_("Places"), payload=Menu("places").pack()),
        ),
    )


def person_button() -> Button:
    """The button that offers a person of the tourism office (``bot.handoff``)."""
    return Button(_("Talk to a person"), payload=AskHuman().pack())


def item_answer(pack: ContentPack, item: Item, today: dt.date, lang: str) -> Reply:
    """A phone-sized reply about one item chosen by id (a button or a deep link)."""
    with use_lang(lang):
        occurrence = answers.occurrence_for(item, today) if isinstance(item, Event) else None
        related = answers.related_refs(pack, item, today)
        return Reply(
            text=answers.item_text(pack, item, occurrence, today),
            lang=lang,
            title=item.name.get(lang),
            items=(answers.item_ref(item, occurrence),),
            buttons=answers.item_buttons(item, pack, related),
            venue=answers.venue_of(pack, item),
        )
