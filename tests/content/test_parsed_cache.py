"""Parsed YAML kept between runs: the same pack, edits seen at once, damage harmless."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from bot.config import PROJECT_DIR
from bot.content.loader import load_content, require_content
from bot.content.parsed import ParsedCache

CONTENT = PROJECT_DIR / "content"


def test_the_bundled_content_loads_the_same_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "parsed.json"
    fresh = require_content(CONTENT, cache)
    assert cache.exists()
    again = require_content(CONTENT, cache)
    assert again.fingerprint == fresh.fingerprint
    assert again.items == fresh.items  # dates, numbers, nested fields alike


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    cache = tmp_path / "parsed.json"
    require_content(root, cache)
    path = root / "event" / "hoi-lim.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Hội Lim", "Hội Lim X", 1))
    pack = require_content(root, cache)
    assert "Hội Lim X" in pack.items["hoi-lim"].name.vi
    path.write_text("id: [unclosed", encoding="utf-8")
    broken, problems = load_content(root, cache)
    assert broken is None and any("not valid YAML" in p.message for p in problems)


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "parsed.json"
    cache.write_text("{not json", encoding="utf-8")
    assert require_content(CONTENT, cache).items
    cache.write_text(json.dumps({"version": 0, "files": {}}), encoding="utf-8")
    assert require_content(CONTENT, cache).items
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == 1


def test_only_what_json_gives_back_exactly_is_kept(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "p.json")
    cache.put("dates", {"on": dt.date(2026, 2, 28), "at": dt.datetime(2026, 2, 28, 8, 0)})
    cache.put("int-keys", {1: "one"})
    cache.save()
    again = ParsedCache(tmp_path / "p.json")
    assert again.get("dates") == {"on": dt.date(2026, 2, 28), "at": dt.datetime(2026, 2, 28, 8)}
    assert again.get("int-keys") is None
