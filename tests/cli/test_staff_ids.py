"""``tourbot staff add|remove|list``: ids as operators type them, refusals, the audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("TOURBOT_STAFF_IDS", raising=False)
    return tmp_path / "staff.sqlite3"


def staff(db: Path, *args: str) -> int:
    return main(["--db", str(db), "staff", *args])


def test_channel_prefixed_id_is_not_prefixed_twice(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(db, "add", "telegram:999") == 0
    assert "telegram:999 added" in capsys.readouterr().out
    assert staff(db, "add", "1000", "--channel", "zalo-bot") == 0
    capsys.readouterr()
    assert staff(db, "list") == 0
    out = capsys.readouterr().out
    assert "telegram:telegram" not in out
    assert [line.split()[0] for line in out.splitlines()] == ["telegram:999", "zalo-bot:1000"]


def test_bad_ids_and_channels_are_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert staff(db, "add", "abc") == 2
    assert "'abc' is not a Telegram user id" in capsys.readouterr().err
    assert staff(db, "add", "whatsapp:5") == 2
    assert "unknown channel 'whatsapp'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        staff(db, "add", "5", "--channel", "whatsapp")
    assert exit_.value.code == 2
    assert "invalid choice: 'whatsapp'" in capsys.readouterr().err
    assert staff(db, "add", "telegram:5", "--channel", "zalo-oa") == 2
    capsys.readouterr()
    assert staff(db, "list") == 0
    assert capsys.readouterr().out.startswith("no staff members")


def test_removing_an_unknown_id_fails_and_is_audited(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(db, "remove", "telegram:4242") == 1
    err = capsys.readouterr().err
    assert err.strip() == "tourbot: error: telegram:4242: not a staff member"
    assert staff(db, "audit") == 0
    assert "staff.remove  telegram:4242 (not found)" in capsys.readouterr().out


def test_an_empty_list_says_so(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert staff(db, "list") == 0
    assert capsys.readouterr().out.startswith("no staff members")
