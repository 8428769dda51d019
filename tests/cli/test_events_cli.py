"""``tourbot events``: a date range that makes sense, and an .ics calendar with where,
a source link and the text in the language asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main


def test_from_after_to_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--from", "2027-03-01", "--to", "2027-01-01"]) == 2
    assert capsys.readouterr().err.strip() == (
        "tourbot: error: --from 2027-03-01 is after --to 2027-01-01"
    )


def _calendar(tmp_path: Path, lang: str) -> dict[str, Calendar]:
    ics = tmp_path / f"festivals-{lang}.ics"
    args = ["events", "--from", "2026-11-26", "--to", "2027-12-31", "--lang", lang]
    assert main([*args, "--ics", str(ics)]) == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    return {str(e["UID"]).rsplit("-", 3)[0]: e for e in events}


def test_ics_has_location_url_and_the_language_asked_for(tmp_path: Path) -> None:
    en, vi = _calendar(tmp_path, "en"), _calendar(tmp_path, "vi")
    lim = en["hoi-lim"]
    assert str(lim["SUMMARY"]) == "Lim Festival"
    assert str(vi["hoi-lim"]["SUMMARY"]) == "Hội Lim"
    assert str(lim["LOCATION"]) == "Lim Hill"
    assert str(vi["hoi-lim"]["LOCATION"]) == "Đồi Lim"
    assert str(lim["URL"]).startswith("http://xua.bacninhtv.vn/tin-tuc-n22701/hoi-lim")
    assert "Quan họ festival" in str(lim["DESCRIPTION"])


def test_ics_marks_approximate_dates(tmp_path: Path) -> None:
    en, vi = _calendar(tmp_path, "en"), _calendar(tmp_path, "vi")
    assert str(en["hoi-chua-bo-da"]["SUMMARY"]).endswith(" (approx.)")
    assert str(vi["hoi-chua-bo-da"]["SUMMARY"]).endswith(" (khoảng)")
    assert "(approx.)" not in str(en["hoi-lim"]["SUMMARY"])
