"""Write small v2 content folders for tests: every field the spec requires, nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content.schema import KINDS

PORTAL = "https://bacgiang.gov.vn/du-lich"
NEWS = "https://baobacgiang.vn/le-hoi-xuan.html"


def text(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def write_item(root: Path, kind: str, item_id: str, **fields: Any) -> Path:
    """``content/<kind>/<id>.yaml`` with the common fields filled in; ``fields`` override."""
    data: dict[str, Any] = {
        "id": item_id,
        "name": text(f"Tên {item_id}", f"Name {item_id}"),
        "summary": text("Tóm tắt.", "Summary."),
        "body": text("Nội dung.", "Body."),
        "sources": [{"title": "Cổng thông tin", "url": PORTAL}],
        "confidence": "reported",
    }
    data.update(fields)
    path = root / kind / f"{item_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_place(root: Path, item_id: str, **fields: Any) -> Path:
    place: dict[str, Any] = {
        "provinces": ["bac-giang"],
        "address": text("Xã Tân Dĩnh, Bắc Giang (cũ)", "Tan Dinh commune, former Bac Giang"),
        "coordinates": {"lat": 21.273, "lon": 106.194},
    }
    place.update(fields)
    return write_item(root, "place", item_id, **place)


def write_event(root: Path, item_id: str, **fields: Any) -> Path:
    event: dict[str, Any] = {
        "provinces": ["bac-ninh"],
        "recurrence": {"calendar": "lunar", "start": {"month": 1, "day": 12}},
    }
    event.update(fields)
    return write_item(root, "event", item_id, **event)


def minimal_content(root: Path) -> Path:
    """Every kind folder and two provinces, the old one merged into the new one."""
    for kind in KINDS:
        (root / kind).mkdir(parents=True)
    write_item(
        root,
        "province",
        "bac-giang",
        name=text("Bắc Giang", "Bac Giang"),
        merged_into="bac-ninh",
        confidence="verified",
    )
    write_item(root, "province", "bac-ninh", name=text("Bắc Ninh", "Bac Ninh"))
    return root
