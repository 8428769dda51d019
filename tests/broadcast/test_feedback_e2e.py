"""Feedback on Telegram, end to end: a visitor rates an answer with the inline buttons and
says what was missing, a forged vote changes nothing, and staff read it in /stats."""

from __future__ import annotations

from pathlib import Path

from tests.broadcast.helpers import STAFF_ID, wired
from tests.broadcast.test_e2e import buttons, polling, say
from tests.fakes.telegram_api import FakeTelegram

VISITOR, OTHER = 4401, 4402


async def test_a_visitor_rates_an_answer_and_staff_see_it(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    async with wired(tmp_path, fake, full=True) as w, polling(w, fake):
        assert w.app is not None
        [answer] = await say(fake, VISITOR, "Where is Dau Pagoda?")
        last_row = answer.params["reply_markup"]["inline_keyboard"][-1]
        assert [b["text"] for b in last_row] == ["👍 Helpful", "👎 Not helpful"]
        up, down = (b["callback_data"] for b in last_row)
        assert up.startswith("fb:") and down == up[:-1] + "0"
        [theirs] = await say(fake, OTHER, "When is the Lim festival?")
        their_up = buttons(theirs)[-2]

        [ask] = await say(fake, VISITOR, press=down)
        assert "What was missing?" in ask.text
        assert buttons(ask) == ["fbn:" + down.split(":")[1], "hp"]  # skip, a person
        [thanks] = await say(fake, VISITOR, "not what I asked")
        assert "passed that on" in thanks.text

        before = [tuple(r) for r in await w.app.db.all("SELECT * FROM feedback ORDER BY id")]
        for forged in (their_up, "fb:999:1", up):  # someone else's, none, already rated
            [reply] = await say(fake, VISITOR, press=forged)
            assert "What was missing" not in reply.text and "for your feedback" not in reply.text
        after = [tuple(r) for r in await w.app.db.all("SELECT * FROM feedback ORDER BY id")]
        assert after == before

        [stats] = await say(fake, STAFF_ID, "/stats 7")
        text = stats.text
        assert "Feedback on answers: 👍 0 · 👎 1 (0% helpful); 1 of 2 answers rated." in text
        assert "1. Dau Pagoda — 0% helpful (0 of 1)" in text
        assert "“Where is Dau Pagoda?” → Dau Pagoda — 👎 1, 👍 0: “not what I asked”" in text
