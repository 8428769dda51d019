"""``tourbot report unanswered``: what visitors asked, not what operators tried."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest

from bot.app import build_app
from bot.cli import main
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
