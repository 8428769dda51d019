"""Every command fails with one line on stderr and a documented exit code, never a
traceback (unless ``--debug``): the boundary in ``bot.cli.main``."""

from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.cli.errors import INTERNAL, report
from bot.config import PROJECT_DIR


@pytest.fixture
def quiet_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No .env, no tokens: the settings of a fresh checkout."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TOURBOT_ZALO_OA_APP_ID",
        "TOURBOT_ZALO_OA_SECRET_KEY",
        "TOURBOT_TELEGRAM_BOT_USERNAME",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def fails(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tourbot: error: ")
    return lines[0]


def test_run_without_a_token_says_so_in_one_line(
    quiet_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = fails(capsys, "--db", str(quiet_env / "db.sqlite3"), "run")
    assert code == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in one_line(err)


def test_run_with_an_empty_token_as_in_env_example(
    quiet_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    code, err = fails(capsys, "--db", str(quiet_env / "db.sqlite3"), "run")
    assert code == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in one_line(err)


def test_run_zalo_oa_without_its_keys(quiet_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = fails(capsys, "--db", str(quiet_env / "db.sqlite3"), "run", "--channel", "zalo-oa")
    assert code == 1
    assert "TOURBOT_ZALO_OA_APP_ID" in one_line(err)


def test_run_unknown_channel_is_a_usage_error(
    quiet_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = fails(capsys, "--db", str(quiet_env / "db.sqlite3"), "run", "--channel", "fax")
    assert code == 2
    assert "unknown channel(s) fax" in one_line(err)


def test_debug_shows_the_traceback(quiet_env: Path) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        main(["--debug", "--db", str(quiet_env / "db.sqlite3"), "run"])


def test_qr_into_a_missing_folder_or_an_unknown_format(
    quiet_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("qr", "hoi-lim", "--bot", "tour_test_bot", "--out")
    code, err = fails(capsys, *args, "missing/dir/x.png")
    assert code == 1
    assert "no folder missing/dir" in one_line(err)
    code, err = fails(capsys, *args, "x.jpg")
    assert code == 2
    assert ".png or .svg" in one_line(err)
    assert not (quiet_env / "x.jpg").exists()


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", root)
    path = root / "event" / "hoi-lim.yaml"
    path.write_text(path.read_text("utf-8").replace("day: 13", "day: 31", 1), "utf-8")
    return root


@pytest.mark.parametrize("command", [["ask", "hoi lim"], ["chat"]])
def test_ask_and_chat_on_broken_content_name_file_and_field(
    quiet_env: Path,
    broken_content: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n"))
    db = str(quiet_env / "db.sqlite3")
    code, err = fails(capsys, "--db", db, "--content", str(broken_content), *command)
    assert code == 1
    assert "content/event/hoi-lim.yaml: recurrence: " in one_line(err)


def test_lunar_with_a_lunar_looking_date_points_to_to_solar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["lunar", "02/12/2026"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Invalid isoformat" not in err
    assert "not a YYYY-MM-DD date: '02/12/2026' (a lunar date? use --to-solar" in err


def test_an_unexpected_error_is_one_line_with_a_hint() -> None:
    err = io.StringIO()
    assert report(RuntimeError("boom"), err) == INTERNAL
    assert err.getvalue() == (
        "tourbot: error: unexpected RuntimeError: boom (re-run with --debug for the traceback)\n"
    )


def test_errors_in_a_task_group_are_reported_one_line_each() -> None:
    err = io.StringIO()
    group = ExceptionGroup("tasks", [ValueError("TOURBOT_ZALO_BOT_TOKEN is not set")])
    assert report(group, err) == 1
    assert err.getvalue() == "tourbot: error: TOURBOT_ZALO_BOT_TOKEN is not set\n"


def _parsers(
    parser: argparse.ArgumentParser, path: str = "tourbot"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _parsers(child, f"{path} {name}")
    return found


def test_help_has_a_clean_description_and_every_option_has_help_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "module:function" not in out
    assert "bilingual tourism chatbot" in out
    missing = [
        f"{path} {action.option_strings or action.dest}"
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []
    no_description = [path for path, parser in _parsers(build_parser()) if not parser.description]
    assert no_description == []


def test_webhook_for_a_channel_not_served_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--db", str(tmp_path / "x.db"), "run", "--channel", "telegram", "--webhook", "zalo-bot"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "zalo-bot" in err and err.count("\n") == 1
