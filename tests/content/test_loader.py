"""The loader names the file and the field of every problem, and refuses broken content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_DIR
from bot.content.loader import ContentError, load_content, require_content
from bot.content.schema import KINDS

BUNDLED = PROJECT_DIR / "content"


def _minimal(root: Path) -> Path:
    for kind in KINDS:
        (root / kind).mkdir(parents=True)
    (root / "province" / "bac-giang.yaml").write_text(
        """
id: bac-giang
name: {vi: "Bắc Giang", en: "Bac Giang"}
summary: {vi: "Tỉnh cũ.", en: "Former province."}
body: {vi: "Nay thuộc Bắc Ninh.", en: "Now part of Bac Ninh."}
merged_into: bac-ninh
sources: [{title: "Nghị quyết 2025", url: "https://quochoi.vn/nghi-quyet-2025"}]
confidence: verified
""",
        encoding="utf-8",
    )
    (root / "province" / "bac-ninh.yaml").write_text(
        """
id: bac-ninh
name: {vi: "Bắc Ninh", en: "Bac Ninh"}
summary: {vi: "Tỉnh.", en: "Province."}
body: {vi: "Quê hương Quan họ.", en: "Home of Quan ho."}
sources: [{title: "Nghị quyết 2025", url: "https://quochoi.vn/nghi-quyet-2025"}]
confidence: verified
""",
        encoding="utf-8",
    )
    return root


def _event(root: Path, name: str, recurrence: str, extra: str = "") -> Path:
    path = root / "event" / f"{name}.yaml"
    path.write_text(
        f"""
id: {name}
name: {{vi: "Hội", en: "Festival"}}
summary: {{vi: "Tóm tắt.", en: "Summary."}}
body: {{vi: "Nội dung.", en: "Body."}}
provinces: [bac-ninh]
sources: [{{title: "Lịch lễ hội", url: "https://bacninh.gov.vn/le-hoi"}}]
confidence: reported
recurrence:
{recurrence}
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_bundled_content_is_valid() -> None:
    pack, problems = load_content(BUNDLED)
    assert problems == []
    assert pack is not None
    counts = {kind: len(pack.of_kind(kind)) for kind in KINDS}
    assert counts["place"] >= 40
    assert counts["tour"] >= 6
    assert counts["event"] >= 18
    assert counts["province"] >= 6


def test_bundled_merger_resolves_old_names() -> None:
    pack = require_content(BUNDLED)
    assert pack.current_province("bac-giang") == "bac-ninh"
    assert pack.current_province("hai-duong") == "hai-phong"
    assert pack.current_province("bac-kan") == "thai-nguyen"
    assert pack.current_province("lang-son") == "lang-son"
    assert {"bac-giang", "bac-ninh"} <= pack.provinces_within("bac-ninh")


def test_minimal_pack_loads(tmp_path: Path) -> None:
    pack = require_content(_minimal(tmp_path / "content"))
    assert set(pack.items) == {"bac-giang", "bac-ninh"}


@pytest.mark.parametrize(
    ("recurrence", "extra", "field", "message"),
    [
        ("  calendar: lunar\n  start: {month: 13, day: 1}", "", "recurrence.start.month", "less"),
        ("  calendar: solar\n  start: {month: 2, day: 30}", "", "recurrence", "does not exist"),
        ("  calendar: lunar\n  start: {month: 1, day: 31}", "", "recurrence", "does not exist"),
        ("  calendar: lunar", "", "recurrence", "needs 'start'"),
        ("  calendar: weekly", "", "recurrence.calendar", "Input should be"),
        (
            "  calendar: dates\n  dates: [{start: 2027-02-10, end: 2027-02-01}]",
            "",
            "recurrence.dates[0]",
            "end is before start",
        ),
        (
            "  calendar: solar\n  start: {month: 3, day: 16}",
            "places: [nowhere]",
            "places",
            "unknown id",
        ),
        (
            "  calendar: solar\n  start: {month: 3, day: 16}",
            "colour: red",
            "colour",
            "Extra inputs",
        ),
    ],
)
def test_problems_name_file_and_field(
    tmp_path: Path, recurrence: str, extra: str, field: str, message: str
) -> None:
    root = _minimal(tmp_path / "content")
    _event(root, "hoi-test", recurrence, extra)
    pack, problems = load_content(root)
    assert pack is None
    assert any(
        p.file == "content/event/hoi-test.yaml" and p.field == field and message in p.message
        for p in problems
    ), problems


def test_missing_language_is_an_error(tmp_path: Path) -> None:
    root = _minimal(tmp_path / "content")
    path = root / "province" / "bac-ninh.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(', en: "Home of Quan ho."', ""))
    _pack, problems = load_content(root)
    assert [(p.file, p.field) for p in problems] == [("content/province/bac-ninh.yaml", "body.en")]


def test_duplicate_ids_and_bad_yaml(tmp_path: Path) -> None:
    root = _minimal(tmp_path / "content")
    # A faq has no fields a province lacks, so only the id is wrong.
    shutil.copy(root / "province" / "bac-ninh.yaml", root / "faq" / "bac-ninh.yaml")
    (root / "faq" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    _pack, problems = load_content(root)
    text = [str(p) for p in problems]
    assert any(t.startswith("content/faq/bac-ninh.yaml: id: duplicate id") for t in text), text
    assert any(t.startswith("content/faq/broken.yaml: (file): not valid YAML") for t in text), text


def test_wrong_reference_kind(tmp_path: Path) -> None:
    root = _minimal(tmp_path / "content")
    _event(root, "hoi-x", "  calendar: solar\n  start: {month: 3, day: 16}", "places: [bac-ninh]")
    _pack, problems = load_content(root)
    assert [str(p) for p in problems] == [
        "content/event/hoi-x.yaml: places: 'bac-ninh' is a province, not a place"
    ]


def test_require_content_raises_with_all_problems(tmp_path: Path) -> None:
    root = _minimal(tmp_path / "content")
    (root / "province" / "bac-ninh.yaml").write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        require_content(root)
    assert "bac-ninh.yaml" in str(info.value)
