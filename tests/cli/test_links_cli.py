"""``tourbot links`` / ``tourbot qr``: the bot's name from the settings, every kind a
visitor can open with /start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

ENV = "TOURBOT_TELEGRAM_BOT_USERNAME"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV, raising=False)
    return tmp_path


def test_without_a_name_the_error_names_both_ways(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["links"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tourbot: error: no bot username: ")
    assert "--bot" in err and ENV in err
    assert main(["qr", "hoi-lim", "--out", "x.png"]) == 1
    assert ENV in capsys.readouterr().err
    assert not (cwd / "x.png").exists()


def test_the_name_comes_from_the_env_file(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cwd / ".env").write_text(f"{ENV}=dotenv_bot\n", encoding="utf-8")
    assert main(["qr", "hoi-lim", "--out", "lim.svg"]) == 0
    assert "https://t.me/dotenv_bot?start=hoi-lim" in capsys.readouterr().out
    assert (cwd / "lim.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_links_from_the_environment_cover_heritage_and_dishes(
    cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "env_bot")
    assert main(["links", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = {row["kind"] for row in rows}
    assert kinds == {"tour", "place", "event", "heritage", "dish"}
    assert all(row["url"].startswith("https://t.me/env_bot?start=") for row in rows)
    assert "quan-ho" in {row["id"] for row in rows if row["kind"] == "heritage"}


def test_qr_for_print_has_the_size_asked_and_the_items_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOURBOT_TELEGRAM_BOT_USERNAME", "tour_test_bot")
    png, svg = tmp_path / "lim.png", tmp_path / "lim.svg"
    assert main(["qr", "hoi-lim", "--out", str(png), "--size-mm", "40"]) == 0
    width = int.from_bytes(png.read_bytes()[16:20], "big")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and width == round(40 / 25.4 * 300)
    assert main(["qr", "hoi-lim", "--out", str(svg), "--lang", "en"]) == 0
    assert "Lim Festival" in svg.read_text("utf-8")  # the caption under the code
    assert "Lim Festival" in capsys.readouterr().out
