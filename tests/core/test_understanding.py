"""What a question is about and how much of an answer it wants, through the real
conversation on the bundled content: places outside the region, facilities the content
never lists, names quoted in the question, one-fact questions, exact dates of events set
each year, distances from the table, and what lies near the subject. The questions here
are not those of the evaluation sets."""

from __future__ import annotations

from bot.app import App


async def test_a_stop_word_is_not_mended_into_a_name(app: App) -> None:
    engine = app.engine
    assert engine is not None
    result = await engine.index.search(engine.docs, "is there a night train to Vinh")
    assert "tp" not in [t.token for t in result.terms]  # "to Vinh" is not "TP Vinh"
