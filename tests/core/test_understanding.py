"""What a question is about and how much of an answer it wants, through the real
conversation on the bundled content: places outside the region, facilities the content
never lists, names quoted in the question, one-fact questions, exact dates of events set
each year, distances from the table, and what lies near the subject. The questions here
are not those of the evaluation sets."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.core.dates import lunar_day_reply


async def test_a_stop_word_is_not_mended_into_a_name(app: App) -> None:
    engine = app.engine
    assert engine is not None
    result = await engine.index.search(engine.docs, "is there a night train to Vinh")
    assert "tp" not in [t.token for t in result.terms]  # "to Vinh" is not "TP Vinh"


def test_todays_lunar_date_also_in_figures() -> None:
    reply = lunar_day_reply(dt.date(2027, 2, 20), "en")
    assert "(15/1 in the lunar calendar)" in reply.text
    vi = lunar_day_reply(dt.date(2027, 2, 20), "vi")
    assert "15 tháng Giêng âm lịch" in vi.text
