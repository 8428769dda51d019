"""Helpful? 👍 / 👎 through the real dispatcher: where the question is asked, votes that
count once and only for their visitor, forged buttons, and the comment after a 👎.
Real app, real SQLite file; nothing patched."""

from __future__ import annotations

from bot.app import App, understanding
from bot.core.dialogue import DialogueState
from bot.core.feature import Turn
from bot.core.features.feedback import COMMENT_WINDOW, FeedbackPrompt
from bot.core.models import Inbound, Reply
from bot.core.payloads import AskHuman, Forget, Helpful, NoComment
from bot.store.users import User
from tests.conftest import TODAY
from tests.conftest import say as visitor_says


async def say(app: App, text: str | None = None, user: str = "v1", **kw: object) -> list[Reply]:
    """As an English-speaking visitor."""
    return await visitor_says(app, text, user, language_hint="en", **kw)


def votes_offered(replies: list[Reply]) -> list[Helpful]:
    found = [Helpful.unpack(b.payload or "") for r in replies for row in r.buttons for b in row]
    return [v for v in found if v is not None]


async def asked(app: App, text: str, user: str = "v1") -> int:
    """Ask ``text``; the id of the answer the 👍 / 👎 under it are about."""
    replies = await say(app, text, user)
    offered = votes_offered(replies)
    assert [v.vote for v in offered] == [1, 0]
    assert offered[0].ask_id == offered[1].ask_id
    return offered[0].ask_id


async def table(app: App) -> list[tuple[object, ...]]:
    rows = await app.db.all(
        "SELECT id, user_id, lang, asked, item_id, shown, vote, comment FROM feedback ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_a_content_answer_ends_with_the_choice(app: App) -> None:
    [reply] = await say(app, "Where is Dau Pagoda?")
    assert reply.items[0].id == "chua-dau"
    last = reply.buttons[-1]
    assert [b.label for b in last] == ["👍 Helpful", "👎 Not helpful"]
    [(ident, user, lang, question, item, shown, vote, comment)] = await table(app)
    assert [b.payload for b in last] == [Helpful(ident, 1).pack(), Helpful(ident, 0).pack()]
    assert (user, lang, question, item, vote, comment) == (
        "v1",
        "en",
        "Where is Dau Pagoda?",
        "chua-dau",
        None,
        None,
    )
    assert shown == " ".join(i.id for i in reply.items)


async def test_vietnamese_answers_ask_in_vietnamese(app: App) -> None:
    [reply] = await say(app, "Chùa Dâu ở đâu?")
    assert reply.lang == "vi"
    assert [b.label for b in reply.buttons[-1]] == ["👍 Hữu ích", "👎 Chưa hữu ích"]


async def test_other_replies_do_not_ask(app: App) -> None:
    others = [
        "có những tour nào",  # a list
        "lễ hội tháng Giêng",  # festivals of a month
        "Tết 2027 là ngày nào",  # a date
        "cảm ơn bạn",  # small talk
        "Có hồ bơi nào ở Đà Lạt không?",  # not answered
        "/events",  # a command
    ]
    for n, text in enumerate(others):
        replies = await say(app, text, user=f"v{n}")
        assert replies and not votes_offered(replies), text
    assert await table(app) == []


async def test_not_twice_for_the_same_item_in_a_row(app: App) -> None:
    await asked(app, "When is the Lim festival?")
    again = await say(app, "When is the Lim festival?")
    assert again[0].items[0].id == "hoi-lim" and not votes_offered(again)
    await asked(app, "Where is Dau Pagoda?")  # another item: asked
    await asked(app, "When is the Lim festival?")  # and back: asked again
    assert len(await table(app)) == 3


async def test_a_thumbs_up_counts_once(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    [thanks] = await say(app, payload=Helpful(ident, 1).pack())
    assert thanks.text == "Thank you for your feedback!" and not thanks.buttons
    [again] = await say(app, payload=Helpful(ident, 0).pack())
    assert "already rated" in again.text
    [row] = await table(app)
    assert row[6] == 1


async def test_a_forged_feedback_button_changes_nothing(app: App) -> None:
    mine = await asked(app, "Where is Dau Pagoda?")
    theirs = await asked(app, "Where is Dau Pagoda?", user="v2")
    before = await table(app)
    forged = [
        Helpful(theirs, 0).pack(),  # someone else's answer
        Helpful(theirs, 1).pack(),
        "fb:999:0",  # no such answer
        f"fb:{mine}:2",  # no such vote
        f"fb:{mine}",
        f"fb:{mine}:0:0",
        "fb:x:0",
        f"fb:-{mine}:0",
        f"fb:{mine}:¹",
        "fbn:x",
    ]
    for payload in forged:
        replies = await say(app, payload=payload)
        assert replies and all(r.text for r in replies), payload
        assert not any("missing" in r.text or "Thank you" in r.text for r in replies), payload
        assert await table(app) == before, payload


async def test_a_thumbs_down_asks_what_was_missing_and_offers_a_person(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    [ask] = await say(app, payload=Helpful(ident, 0).pack())
    assert "What was missing?" in ask.text
    assert [b.payload for row in ask.buttons for b in row] == [
        NoComment(ident).pack(),
        AskHuman().pack(),
    ]
    assert [b.label for row in ask.buttons for b in row] == ["Skip", "Talk to a person"]
    [remark] = await say(app, "not what I asked")
    # Not answered with the unhelpful answer again, not "I don't know": thanks.
    assert "passed that on" in remark.text and not remark.items
    [row] = await table(app)
    assert (row[6], row[7]) == (0, "not what I asked")
    rows = await app.db.all("SELECT asked FROM questions WHERE answered = 0")
    assert rows == []  # a remark, not an unanswered question
    [after] = await say(app, "the opening hours")  # the next message is no comment
    assert "passed that on" not in after.text
    [row] = await table(app)
    assert row[7] == "not what I asked"


async def test_without_a_staff_chat_a_person_means_how_to_reach_the_offices(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    await say(app, payload=Helpful(ident, 0).pack())
    for replies in (await say(app, payload=AskHuman().pack()), await say(app, "/human")):
        [reply] = replies
        assert reply.text.startswith("I cannot put you through to a person yet.")
        assert [i.id for i in reply.items] == ["duong-day-nong"] and not reply.answered


async def test_a_question_after_a_thumbs_down_is_answered_and_kept(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    await say(app, payload=Helpful(ident, 0).pack())
    replies = await say(app, "When is the Lim festival?")
    assert replies[0].answered and replies[0].items[0].id == "hoi-lim"
    assert votes_offered(replies)  # a new answer, a new choice
    rows = await table(app)
    assert rows[0][7] == "When is the Lim festival?" and rows[1][4] == "hoi-lim"


async def test_small_talk_and_commands_are_no_comment(app: App) -> None:
    for n, text in enumerate(["ok thanks", "no", "/help"]):
        ident = await asked(app, "Where is Dau Pagoda?", user=f"v{n}")
        await say(app, payload=Helpful(ident, 0).pack(), user=f"v{n}")
        await say(app, text, user=f"v{n}")
    assert [row[7] for row in await table(app)] == [None, None, None]


async def test_skip_ends_the_question(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    await say(app, payload=Helpful(ident, 0).pack())
    [done] = await say(app, "1")  # the number of "Skip"
    assert done.text.startswith("All right.")
    await say(app, "It did not say how much the tickets cost")
    [row] = await table(app)
    assert row[7] is None


async def test_forget_deletes_the_feedback(app: App) -> None:
    ident = await asked(app, "Where is Dau Pagoda?")
    await say(app, payload=Helpful(ident, 0).pack())
    await say(app, "not what I asked")
    await asked(app, "Where is Dau Pagoda?", user="v2")
    await say(app, payload=Forget("yes").pack())
    assert [r[1] for r in await table(app)] == ["v2"]


def test_the_comment_must_follow_the_thumbs_down_soon(app: App) -> None:
    assert app.engine is not None
    now = 1_000_000.0
    prompt = FeedbackPrompt(app.questions.feedback(), clock=lambda: now)
    nlu = understanding(app.engine)()  # the dispatcher's classifier

    def turn(text: str, options: tuple[str, ...], at: float) -> Turn:
        msg = Inbound("test", "v1", "v1", text=text)
        user = User("test", "v1", "en", False, False)
        state = DialogueState(("chua-dau",), options, at)
        return Turn(msg, user, "en", TODAY, state, nlu.understand(text, TODAY))

    offered = (NoComment(7).pack(), AskHuman().pack())
    assert prompt.comment_on(turn("no opening hours", offered, now - 60)) == 7
    assert prompt.comment_on(turn("no opening hours", offered, now - COMMENT_WINDOW - 1)) is None
    assert prompt.comment_on(turn("no opening hours", (AskHuman().pack(),), now)) is None
    assert prompt.comment_on(turn("thanks", offered, now)) is None
