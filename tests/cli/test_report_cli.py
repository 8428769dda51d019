"""``tourbot report unanswered``: what visitors asked, not what operators tried."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


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
