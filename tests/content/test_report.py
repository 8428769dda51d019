"""`content check --json` counts and `--report`, the list of what staff should re-check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.content.builders import NEWS, minimal_content, text, write_item, write_place

HOURS = {"text": text("7:00–17:00", "7 am to 5 pm"), "as_of": "2025-03-01", "source": NEWS}
SITE = {"lat": 21.273, "lon": 106.194, "precision": "site", "source": NEWS}


def _content(root: Path) -> Path:
    minimal_content(root)
    sources = [{"title": "Báo Bắc Giang", "url": NEWS, "date": "2025-03-01"}]
    complete = {"sources": sources, "opening_hours": HOURS, "tickets": HOURS, "coordinates": SITE}
    write_place(root, "chua-a", **complete)
    write_place(root, "chua-b", sources=sources, opening_hours=HOURS, confidence="verified")
    write_place(root, "lang-ke", **complete)
    write_item(root, "dish", "banh-da-ke", where=["lang-ke"], confidence="uncertain")
    write_item(
        root,
        "faq",
        "visa",
        uncertain=[text("Phí có thể đổi.", "The fee may change.")],
    )
    return root


def _check(capsys: pytest.CaptureFixture[str], root: Path, *flags: str) -> tuple[int, str, str]:
    code = main(["--content", str(root), "content", "check", *flags])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_counts_per_kind_and_confidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _check(capsys, _content(tmp_path / "content"), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["errors"] == []
    assert report["counts"] == {"province": 2, "place": 3, "faq": 1, "dish": 1}
    # minimal_content: one verified province, one reported.
    assert report["confidence"] == {"verified": 2, "reported": 4, "uncertain": 1}
    assert report["coordinates"] == {"site": 2, "commune": 0, "estimate": 1}
    assert "review" not in report


def test_json_counts_the_valid_items_and_lists_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _content(tmp_path / "content")
    write_item(root, "faq", "broken", sources=[{"title": "Không có địa chỉ"}])
    code, out, _ = _check(capsys, root, "--json")
    report = json.loads(out)
    assert code == 1
    assert report["errors"] == [
        {"file": "content/faq/broken.yaml", "field": "sources[0].url", "message": "Field required"}
    ]
    assert report["counts"]["faq"] == 1


def test_report_lists_what_staff_should_recheck_grouped_by_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _check(capsys, _content(tmp_path / "content"), "--report")
    assert code == 0
    lines = out.splitlines()
    assert lines[:8] == [
        "content/place/chua-b.yaml",
        "  tickets: no ticket prices with a dated source",
        "  coordinates: an estimate no source gives: the bot shows no map pin",
        "content/faq/visa.yaml",
        "  uncertain[0]: Phí có thể đổi. / The fee may change.",
        "content/dish/banh-da-ke.yaml",
        "  confidence: uncertain: re-check the item against its sources",
        "review: 3 file(s) to re-check",
    ]
    # Complete places and items without doubts are not listed.
    assert "chua-a" not in out and "lang-ke.yaml" not in out and "bac-ninh" not in out
    assert lines[-1].startswith("ok: 7 items")
    assert lines[-1].endswith("points: 2 site, 0 commune, 1 estimate")


def test_report_lists_places_without_practicals_and_fails_on_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _content(tmp_path / "content")
    write_place(root, "den-x")
    write_item(root, "faq", "broken", confidence="sure")
    code, out, err = _check(capsys, root, "--report")
    assert code == 1
    block = out.split("content/place/den-x.yaml\n", 1)[1].splitlines()[:3]
    assert block == [
        "  opening_hours: no opening hours with a dated source",
        "  tickets: no ticket prices with a dated source",
        "  coordinates: an estimate no source gives: the bot shows no map pin",
    ]
    assert "content/faq/broken.yaml: confidence: Input should be" in out
    assert err.startswith("1 problem(s); 8 valid items")


def test_json_report_carries_the_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = _check(capsys, _content(tmp_path / "content"), "--json", "--report")
    review = json.loads(out)["review"]
    assert [(r["file"], r["kind"]) for r in review] == [
        ("content/place/chua-b.yaml", "place"),
        ("content/faq/visa.yaml", "faq"),
        ("content/dish/banh-da-ke.yaml", "dish"),
    ]
    assert review[1]["findings"] == [
        {"field": "uncertain[0]", "message": "Phí có thể đổi. / The fee may change."}
    ]
