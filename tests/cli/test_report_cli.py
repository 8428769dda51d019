"""``tourbot report unanswered``: what visitors asked, not what operators tried."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from pathlib import Path

import pytest

from bot.app import build_app
from bot.cli import main
from bot.config import Settings
from bot.core.models import Inbound
from tests.conftest import TODAY, make_settings


def test_tourbot_ask_questions_stay_out_of_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    db = ["--db", str(tmp_path / "r.sqlite3")]
    assert main([*db, "ask", "--json", "qwerty uiop"]) == 0
    assert '"answered": false' in capsys.readouterr().out
    assert main([*db, "report", "unanswered", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "qwerty" not in out
    assert out.strip() == "no unanswered questions in the last 30 days"


async def test_the_report_shows_questions_as_visitors_typed_them(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = await build_app(settings, lambda: TODAY, broadcasting=False)
    try:
        assert app.conversation is not None
        for user in ("v1", "v2"):
            msg = Inbound("telegram", user, user, text="Có hồ bơi nào ở Đà Lạt không?")
            [reply] = await app.conversation.handle(msg)
            assert not reply.answered
    finally:
        await app.close()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await asyncio.to_thread(
            main, ["--db", str(settings.db), "report", "unanswered", "--days", "30"]
        )
    assert code == 0
    assert "Có hồ bơi nào ở Đà Lạt không?" in out.getvalue()  # not "co ho boi nao o da lat"


async def _rated(settings: Settings) -> None:
    """v1 marks the answer about Dâu Pagoda unhelpful and says why; v2 likes the Lim one."""
    app = await build_app(settings, lambda: TODAY, broadcasting=False)
    try:
        assert app.conversation is not None
        for user, question, vote, comment in [
            ("v1", "Where is Dau Pagoda?", 0, "no opening hours, please add them"),
            ("v2", "Hội Lim ở đâu?", 1, None),
        ]:
            [answer] = await app.conversation.handle(Inbound("telegram", user, user, question))
            [offered] = [b.payload for b in answer.buttons[-1] if b.payload.endswith(f":{vote}")]
            await app.conversation.handle(Inbound("telegram", user, user, payload=offered))
            if comment:
                await app.conversation.handle(Inbound("telegram", user, user, comment))
    finally:
        await app.close()


async def _tourbot(settings: Settings, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await asyncio.to_thread(main, ["--db", str(settings.db), *args])
    assert code == 0
    return out.getvalue()


async def test_the_feedback_report_and_its_csv(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    await _rated(settings)
    out = await _tourbot(settings, "report", "feedback", "--days", "30")
    assert "👍 1 · 👎 1 (50% helpful); 2 of 2 answers rated." in out
    assert "1. Dau Pagoda — 0% helpful (0 of 1)\n2. Lim Festival — 100% helpful (1 of 1)" in out
    assert "“no opening hours, please add them”" in out

    path = tmp_path / "feedback.csv"
    out = await _tourbot(settings, "report", "feedback", "--days", "30", "--csv", str(path))
    assert out.strip() == f"2 rated answer(s) of the last 30 days written to {path}"
    with path.open(encoding="utf-8", newline="") as fp:
        rows = {r["item_id"]: r for r in csv.DictReader(fp)}
    dau, lim = rows["chua-dau"], rows["hoi-lim"]
    assert (dau["vote"], dau["lang"], dau["question"], dau["item"]) == (
        "unhelpful",
        "en",
        "Where is Dau Pagoda?",
        "Dau Pagoda",
    )
    assert dau["comment"] == "no opening hours, please add them"
    assert (lim["vote"], lim["item"], lim["question"], lim["comment"]) == (
        "helpful",
        "Hội Lim",
        "Hội Lim ở đâu?",
        "",
    )
    assert dau["shown"].split()[0] == "chua-dau" and dau["voted_at"].endswith("Z")


async def test_the_unanswered_report_includes_unhelpful_answers(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    await _rated(settings)
    out = await _tourbot(settings, "report", "unanswered", "--days", "30")
    head, _sep, unhelpful = out.partition("answers marked unhelpful (👎)")
    assert head.strip() == "no unanswered questions in the last 30 days"
    assert "chua-dau" in unhelpful and "Where is Dau Pagoda?" in unhelpful
    assert "“no opening hours, please add them”" in unhelpful and "hoi-lim" not in unhelpful

    path = tmp_path / "unanswered.csv"
    await _tourbot(settings, "report", "unanswered", "--days", "30", "--csv", str(path))
    with path.open(encoding="utf-8", newline="") as fp:
        [row] = list(csv.DictReader(fp))
    assert (row["kind"], row["question"], row["times_unanswered"], row["answer"]) == (
        "unhelpful",
        "Where is Dau Pagoda?",
        "1",
        "chua-dau",
    )
    assert row["comments"] == "no opening hours, please add them"
