"""Helpful? 👍 / 👎 under content answers, the vote, and what was missing after a 👎.

The prompt: ``AnswerFeature`` asks ``FeedbackPrompt.offer`` to add it to its answer. Only
an answer about an item gets it (not a list, small talk, an error or "I don't know"), and
not when that item is already the subject of the conversation (not twice for the same
item in a row). Offering stores the answer (the question as typed, the items shown, the
language) in ``bot.store.feedback``; the buttons carry its row id.

A vote counts once, and only on the visitor's own answer (same channel, same user) that
has no vote yet; a forged id, someone else's answer or garbage changes nothing and gets
a short polite reply, a second press a "thanks, already counted".

A 👎 is answered with the question of what was missing and the offer of a person. The
comment is the visitor's next typed message within ``COMMENT_WINDOW``: it is recognised
from the dialogue state alone (the 👎 reply's "skip" button is still on offer, and
recent), so no other message costs a query. Questions are not swallowed: the comment is
stored while the features are asked (``claims`` stores it and says no), and the message
goes on to the feature that answers it. Only when nothing can answer it is it taken for
what it then is, a remark: ``AnswerFeature`` thanks for it instead of saying it does not
know, and does not log it as an unanswered question (staff read it with the answer).
Small talk ("ok", "thanks", "no") and requests (a person, a reminder) are no comment.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from bot.core.feature import Turn
from bot.core.features.fallbacks import stale_button
from bot.core.models import Button, Reply
from bot.core.payloads import AskHuman, Helpful, NoComment, decode
from bot.i18n import gettext as _
from bot.i18n import use_lang
from bot.nlu import Intent
from bot.store.feedback import Feedback, VoteOutcome

COMMENT_WINDOW = 600.0  # seconds after the 👎 reply in which the next message is its comment
_FAMILIES = (Helpful, NoComment)
_NO_COMMENT = frozenset(
    {
        Intent.GREETING,
        Intent.THANKS,
        Intent.GOODBYE,
        Intent.AFFIRM,
        Intent.DENY,
        Intent.HELP,
        Intent.HUMAN,
        Intent.REMIND,
        Intent.SWITCH_LANGUAGE,
    }
)


def is_item_answer(reply: Reply) -> bool:
    """Whether ``reply`` answers with an item: answered, headed by its first item's name
    (lists of events, dates and replies without items are not)."""
    return reply.answered and bool(reply.items) and reply.title == reply.items[0].title


class FeedbackPrompt:
    """Puts the question under content answers; recognises the comment after a 👎."""

    def __init__(self, store: Feedback, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock

    async def offer(self, turn: Turn, reply: Reply) -> Reply:
        """``reply`` with 👍 / 👎 as its last button row, when it is an answer to rate."""
        if not is_item_answer(reply) or turn.state.subject[:1] == (reply.items[0].id,):
            return reply
        msg = turn.msg
        shown = [i.id for i in reply.items]
        ask_id = await self.store.open(msg.channel, msg.user_id, reply.lang, turn.text, shown)
        if ask_id is None:
            return reply
        with use_lang(reply.lang):
            row = (
                Button(_("👍 Helpful"), payload=Helpful(ask_id, 1).pack()),
                Button(_("👎 Not helpful"), payload=Helpful(ask_id, 0).pack()),
            )
        return dataclasses.replace(reply, buttons=(*reply.buttons, row))

    def comment_on(self, turn: Turn) -> int | None:
        """The answer a typed message comments on (its row id), or None: it must follow
        the 👎 reply within ``COMMENT_WINDOW``, and be neither small talk nor a request."""
        state = turn.state
        if turn.parse is None or turn.intent in _NO_COMMENT or not turn.text:
            return None
        if self._clock() - state.at > COMMENT_WINDOW:
            return None
        for raw in state.options:
            skip = NoComment.unpack(raw)
            if skip is not None:
                return skip.ask_id
        return None


class FeedbackFeature:
    """Answers the 👍 / 👎 and "skip" buttons; keeps the comment after a 👎 (see above)."""

    def __init__(self, prompt: FeedbackPrompt) -> None:
        self._prompt = prompt
        self._store = prompt.store

    async def claims(self, turn: Turn) -> bool:
        msg = turn.msg
        if msg.payload is not None:
            return decode(msg.payload, _FAMILIES) is not None
        ask_id = self._prompt.comment_on(turn)
        if ask_id is not None:
            # Stored on the way: the message itself goes on to the feature that answers it.
            await self._store.comment(ask_id, msg.channel, msg.user_id, turn.text)
        return False

    async def handle(self, turn: Turn) -> list[Reply]:
        assert turn.msg.payload is not None
        payload = decode(turn.msg.payload, _FAMILIES)
        lang = turn.lang
        if isinstance(payload, NoComment):
            return [Reply(text=_("All right. Ask me anything else whenever you like."), lang=lang)]
        if isinstance(payload, Helpful) and payload.vote in (0, 1):
            msg = turn.msg
            helpful = payload.vote == 1
            outcome = await self._store.vote(payload.ask_id, msg.channel, msg.user_id, helpful)
            if outcome is VoteOutcome.COUNTED:
                return [_thanks(lang) if helpful else _what_was_missing(payload.ask_id, lang)]
            if outcome is VoteOutcome.REPEATED:
                text = _("You have already rated this answer. Thank you!")
                return [Reply(text=text, lang=lang, answered=False)]
        return [stale_button(lang)]


def _thanks(lang: str) -> Reply:
    return Reply(text=_("Thank you for your feedback!"), lang=lang)


def _what_was_missing(ask_id: int, lang: str) -> Reply:
    text = _(
        "Thank you for telling me. What was missing? Write it in one message, or skip."
        " You can also talk to a person."
    )
    buttons = (
        (
            Button(_("Skip"), payload=NoComment(ask_id).pack()),
            Button(_("Talk to a person"), payload=AskHuman().pack()),
        ),
    )
    return Reply(text=text, lang=lang, buttons=buttons)


def remark_thanks(lang: str) -> Reply:
    """The answer to a comment after a 👎 that is not a question the bot can answer."""
    with use_lang(lang):
        text = _("Thank you, I have passed that on to the tourism office staff.")
    return Reply(text=text, lang=lang)
