"""The command line as a user runs it: ask (JSON contract), content check, events, lunar."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main
from bot.config import PROJECT_DIR


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_ask_json_contract_from_stdin(tmp_path: Path) -> None:
    questions = "hoi lim bao gio\nWhen is the Ong Hoang Muoi festival?\nqwerty uiop\n"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--db",
            str(tmp_path / "db.sqlite3"),
            "ask",
            "--json",
            "--today",
            "2026-11-26",
            "-",
        ],
        input=questions,
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_DIR,
    ).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert [r["question"] for r in rows] == questions.splitlines()
    lim, muoi, junk = rows
    assert set(lim) == {"question", "lang", "answered", "text", "items"}
    assert lim["lang"] == "vi" and lim["answered"]
    assert lim["items"][0] == {
        "id": "hoi-lim",
        "kind": "event",
        "title": "Hội Lim",
        "start": "2027-02-17",
        "end": "2027-02-18",
    }
    event = next(i for i in muoi["items"] if i["id"] == "le-hoi-den-ong-hoang-muoi")
    assert event["start"].startswith("2027-11")
    assert junk["answered"] is False and junk["items"] == []


def test_content_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "content", "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["errors"] == []
    assert report["counts"]["event"] >= 18


def test_content_check_names_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    root = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", root)
    path = root / "event" / "hoi-lim.yaml"
    path.write_text(path.read_text("utf-8").replace("day: 13", "day: 31", 1), "utf-8")
    code, out = run(capsys, "--content", str(root), "content", "check")
    assert code == 1
    assert "content/event/hoi-lim.yaml: recurrence: " in out


def test_events_ics_is_valid_all_day_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = tmp_path / "festivals.ics"
    code, _ = run(
        capsys,
        "events",
        "--today",
        "2026-11-26",
        "--from",
        "2026-11-26",
        "--to",
        "2027-12-31",
        "--ics",
        str(ics),
    )
    assert code == 0
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 18
    lim = [e for e in events if str(e["UID"]).startswith("hoi-lim-")]
    assert lim
    start, end = lim[0].decoded("DTSTART"), lim[0].decoded("DTEND")
    assert type(start) is dt.date and type(end) is dt.date  # all-day events
    assert (start, end) == (dt.date(2027, 2, 17), dt.date(2027, 2, 19))  # DTEND exclusive


def test_events_by_old_province_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "events", "--today", "2026-11-26", "--province", "Bắc Giang", "--json")
    ids = {json.loads(line)["id"] for line in out.splitlines()}
    assert code == 0 and "le-hoi-yen-the" in ids and "hoi-lim" not in ids


def test_lunar_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "lunar", "2027-02-18")
    assert code == 0 and out.startswith("13/1/2027")
    code, out = run(capsys, "lunar", "--to-solar", "20/8/2027")
    assert code == 0 and out.startswith("2027-09-20")
    code, _ = run(capsys, "lunar", "--to-solar", "30/3/2027")
    assert code == 2
    code, _ = run(capsys, "lunar", "--to-solar", "1/3/2023", "--leap")
    assert code == 2


def test_links_are_telegram_deep_links_to_every_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "links", "--bot", "tour_test_bot", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 40 + 6 + 18
    for row in rows:
        assert row["url"] == f"https://t.me/tour_test_bot?start={row['id']}"
        assert len(row["id"]) <= 64


def test_qr_writes_a_png_of_the_deep_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "poster.png"
    code, text = run(capsys, "qr", "hoi-lim", "--bot", "tour_test_bot", "--out", str(out))
    assert code == 0 and "https://t.me/tour_test_bot?start=hoi-lim" in text
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _ = run(capsys, "qr", "no-such-item", "--bot", "b", "--out", str(out))
    assert code == 2
    code, _ = run(capsys, "qr", "bad payload!", "--bot", "b", "--out", str(out))
    assert code == 2
