"""Free-text questions: answered from the content, or logged for staff when unanswered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from bot.content.schema import Item
from bot.core.dialogue import resolve
from bot.core.engine import Engine
from bot.core.feature import Turn
from bot.core.features.feedback import FeedbackPrompt, remark_thanks
from bot.core.models import Reply
from bot.core.replies import item_answer, person_button
from bot.store.questions import Questions
from bot.store.users import Users
from bot.text.fold import tokens

# Words that address the bot or soften a question, and say nothing about what is asked.
CHAT_FILLERS = frozenset("ad admin vay z nhe nha nhi oi a ak ah ha hihi hic ban shop".split())
# Those that may also open a message: whom it addresses ("ad ơi", "shop ơi").
LEADING_FILLERS = frozenset("ad admin oi ban shop".split())


class AnswerFeature:
    """The last feature: it claims every text message no other feature wanted; with a
    ``feedback`` prompt, its answers about an item ask whether they helped."""

    def __init__(
        self,
        engine: Engine,
        users: Users,
        questions: Questions,
        feedback: FeedbackPrompt | None = None,
        offer_person: bool = False,
    ) -> None:
        self._engine = engine
        self._users = users
        self._questions = questions
        self._feedback = feedback
        self._offer_person = offer_person  # staff take conversations (bot.handoff)

    async def claims(self, turn: Turn) -> bool:
        return turn.msg.payload is None

    async def handle(self, turn: Turn) -> list[Reply]:
        feedback = self._feedback
        # What was missing from an answer just marked unhelpful (see features.feedback).
        remark = feedback is not None and feedback.comment_on(turn) is not None
        replies = await self.answer_text(turn, turn.text, log=False)
        plain = self._plain(turn)
        # The first name the classifier read is what the message is about.
        named = set(turn.parse.slots.items[:1]) if turn.parse is not None else set()
        # ... only when the name needed the shorthand spelled out to be read at all.
        hidden = named - self._engine.names_typed(turn.text)
        missed = hidden and not _about(replies[0], hidden)
        if (not replies[0].answered or missed) and plain is not None:
            # Chat shorthand spelled out, fillers dropped: "lang son an j ngon ad" is
            # asked again as "lang son an gi ngon", and "hong ko hat" is the name the
            # classifier read ("hồng không hạt") when the first answer is about another.
            again = await self.answer_text(turn, plain, log=False)
            if again[0].answered and (not replies[0].answered or _about(again[0], hidden)):
                replies = again
        # After a 👎 the subject is the answer that did not help: a remark ("not what I
        # asked") is not answered with it again.
        subject = None if remark else self._subject(turn)
        if not replies[0].answered and subject is not None:
            # Not answered on its own ("nó thờ ai"): perhaps it is about the subject of the
            # conversation. Asked again with its name, it may be answered.
            lang = self._engine.language_of(turn.text, turn.user.lang)
            about = await self.answer_text(turn, resolve(turn.text, subject, lang), log=False)
            if about[0].answered:
                replies = about
        if remark and not replies[0].answered:
            # Not a question after all: thanked for, and kept with the answer it is about
            # rather than among the unanswered questions.
            return [remark_thanks(turn.lang)]
        await self._log(turn, replies[0])
        if self._offer_person and not replies[0].answered:
            # Not in the content: a person may know. Offered under the bot's own answer.
            first = replies[0]
            buttons = (*first.buttons, (person_button(),))
            replies = [dataclasses.replace(first, buttons=buttons), *replies[1:]]
        if feedback is not None:
            replies = [*replies[:-1], await feedback.offer(turn, replies[-1])]
        return replies

    def _plain(self, turn: Turn) -> str | None:
        """The message as the classifier read it (shorthand expanded), without the chat
        fillers around it; None when that is what the visitor typed anyway."""
        if turn.parse is None:
            return None
        # Only around the question: elsewhere "ha" is the "Hà" of "Hà Giang".
        words = turn.parse.folded.split()
        while words and words[0] in LEADING_FILLERS:
            words.pop(0)
        while words and words[-1] in CHAT_FILLERS:
            words.pop()
        plain = " ".join(words)
        return plain if plain and plain != " ".join(tokens(turn.text)) else None

    def _subject(self, turn: Turn) -> Item | None:
        named = turn.parse.slots.items if turn.parse is not None else ()
        if named or not turn.state.subject:
            return None
        return self._engine.pack.items.get(turn.state.subject[0])

    async def answer_text(self, turn: Turn, text: str, log: bool = True) -> list[Reply]:
        """Answer ``text`` (the message, or a follow-up made whole) from the content;
        ``log`` records it in the question log for staff."""
        user, msg = turn.user, turn.msg
        result = await self._engine.answer(text, turn.today, preferred=user.lang)
        reply = result.reply
        if reply.lang != user.lang and not user.lang_explicit:
            await self._users.set_lang(msg.channel, msg.user_id, reply.lang, explicit=False)
        if log:
            await self._log(turn, reply, result.matched)
        return [reply]

    async def _log(self, turn: Turn, reply: Reply, matched: list[str] | None = None) -> None:
        """The question as typed (folded), whether it was answered and with which items."""
        folded = " ".join(tokens(turn.text))
        if folded:
            shown = matched if matched is not None else [i.id for i in reply.items]
            await self._questions.record(
                turn.msg.channel,
                turn.msg.user_id,
                folded,
                reply.lang,
                reply.answered,
                shown,
                asked=turn.text,
            )


class InlineCards:
    """One card per matching item, for sharing (Telegram inline mode)."""

    def __init__(self, engine: Engine, today: Callable[[], dt.date]) -> None:
        self._engine = engine
        self._today = today

    async def cards(self, query: str, lang: str | None, limit: int) -> list[Reply]:
        engine, today = self._engine, self._today()
        lang = lang or engine.language_of(query, None)
        if not query.strip():
            upcoming = engine.events_between(today, today + dt.timedelta(days=120))
            ids = [e.id for e, _o in upcoming]
        else:
            result = await engine.index.search(engine.docs, query, limit)
            ids = [h.item_id for h in result.hits if h.coverage >= 0.5 or h.alias_span]
        pack = engine.pack
        chosen = list(dict.fromkeys(ids))[:limit]
        return [item_answer(pack, pack.items[i], today, lang) for i in chosen]


def _about(reply: Reply, named: set[str]) -> bool:
    """Whether the reply's first item is one of the items the message names."""
    return bool(reply.items) and reply.items[0].id in named
