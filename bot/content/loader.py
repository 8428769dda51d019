"""Load and validate the content folder; every problem is reported as file: field: message."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.parsed import ParsedCache
from bot.content.schema import KINDS, MODEL_BY_KIND, Event, Item, Province

# libyaml's loader is ~10x faster than the pure-Python one; same safe subset of YAML.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One content error, precise enough to fix without reading code."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(Exception):
    """The content folder has problems; the bot refuses to load it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} content problem(s): {head}{more}")


@dataclass
class ContentPack:
    """All items, by id, plus a fingerprint of the files they came from."""

    items: dict[str, Item]
    fingerprint: str
    files: dict[str, str] = field(default_factory=dict)  # id -> relative file path
    # Per-kind lists, computed once: the pack is read on every message.
    _by_kind: dict[str, list[Item]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.items.values():
            self._by_kind.setdefault(item.kind, []).append(item)

    def of_kind(self, kind: str) -> list[Item]:
        return list(self._by_kind.get(kind, ()))

    def events(self) -> list[Event]:
        return [item for item in self._by_kind.get("event", ()) if isinstance(item, Event)]

    def current_province(self, province_id: str) -> str:
        """The province an id belongs to today (following ``merged_into``)."""
        seen: set[str] = set()
        while province_id not in seen:
            seen.add(province_id)
            item = self.items.get(province_id)
            if not isinstance(item, Province) or not item.merged_into:
                return province_id
            province_id = item.merged_into
        return province_id

    def provinces_within(self, province_id: str) -> set[str]:
        """The province and every former province now inside it.

        A former province ("Bắc Giang") means just its own old area, so visitors who use
        the old name get what they meant, not all of today's larger province.
        """
        if self.current_province(province_id) != province_id:
            return {province_id}
        target = province_id
        return {
            p.id for p in self._by_kind.get("province", ()) if self.current_province(p.id) == target
        } | {province_id}


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(item)"


def content_files(root: Path) -> list[Path]:
    """The YAML files the loader reads, in a stable order."""
    return [p for kind in KINDS for p in sorted((root / kind).glob("*.y*ml")) if p.is_file()]


def _stamp(digest: Any, root: Path, path: Path, raw: bytes) -> None:
    """Add one file's path and bytes to the content's fingerprint (the search index is
    rebuilt when it changes)."""
    digest.update(str(path.relative_to(root)).encode())
    digest.update(b"\0")
    digest.update(raw)
    digest.update(b"\0")


@dataclass
class Scan:
    """Every item that validated on its own, and every problem, references included.

    ``tourbot content check`` reports on the items even when others are broken; the bot
    only ever gets a pack without problems (``load_content``)."""

    items: dict[str, Item]
    files: dict[str, str]  # id -> relative file path
    problems: list[Problem]
    fingerprint: str = ""  # a hash of every file's path and bytes, read once


def scan_content(root: Path, parsed: ParsedCache | None = None) -> Scan:
    """Read and validate every file under ``root``, collecting all problems; ``parsed``
    spares the YAML parser the files it has seen."""
    parsed = parsed or ParsedCache(None)
    problems: list[Problem] = []
    items: dict[str, Item] = {}
    files: dict[str, str] = {}
    broken: set[str] = set()  # ids of files that failed: references to them are not news
    if not root.is_dir():
        return Scan({}, {}, [Problem(str(root), "(folder)", "content folder not found")])
    for kind in KINDS:
        if not (root / kind).is_dir():
            problems.append(Problem(f"{root.name}/{kind}", "(folder)", "missing kind folder"))
    digest = hashlib.sha256()
    for path in content_files(root):
        rel = str(path.relative_to(root.parent)) if root.parent != path else path.name
        kind = path.parent.name
        raw = path.read_bytes()
        _stamp(digest, root, path, raw)
        try:
            text = raw.decode("utf-8")
            key = parsed.key(text)
            data = parsed.get(key)
            if data is None:
                data = yaml.load(text, Loader=_SafeLoader)
                parsed.put(key, data)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, "(file)", f"not valid YAML: {exc}".replace("\n", " ")))
            broken.add(path.stem)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(rel, "(file)", "must be a mapping of fields"))
            broken.add(path.stem)
            continue
        declared = data.get("kind", kind)
        data = {k: v for k, v in data.items() if k != "kind"}
        if declared != kind:
            problems.append(Problem(rel, "kind", f"'{declared}' does not match folder '{kind}'"))
            continue
        try:
            item = MODEL_BY_KIND[kind].model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem(rel, _field_path(err["loc"]), err["msg"]))
            broken.add(str(data.get("id", path.stem)))
            continue
        if item.id != path.stem:
            problems.append(Problem(rel, "id", f"'{item.id}' does not match file name"))
        if item.id in items:
            problems.append(Problem(rel, "id", f"duplicate id '{item.id}' (also {files[item.id]})"))
            continue
        items[item.id] = item  # type: ignore[assignment]
        files[item.id] = rel
        problems += _check_cited(items[item.id], rel)
    problems += _check_references(items, files, broken)
    return Scan(items, files, problems, digest.hexdigest())


def load_content(root: Path, cache: Path | None = None) -> tuple[ContentPack | None, list[Problem]]:
    """Read and validate ``root``; return the pack (None when there are problems) and them.
    ``cache``: a file where parsed YAML is kept between runs (``bot.content.parsed``)."""
    parsed = ParsedCache(cache)
    scan = scan_content(root, parsed)
    if scan.problems:
        return None, scan.problems
    parsed.save()
    return ContentPack(items=scan.items, fingerprint=scan.fingerprint, files=scan.files), []


def _check_cited(item: Item, rel: str) -> list[Problem]:
    """Opening hours, tickets and coordinates cite one of the item's own sources; opening
    hours and tickets a dated one."""
    problems: list[Problem] = []
    urls = {source.url: i for i, source in enumerate(item.sources)}
    for fld, url, dated in item.cited():
        i = urls.get(url)
        if i is None:
            problems.append(Problem(rel, fld, f"'{url}' is not the url of one of the sources"))
        elif dated and item.sources[i].date is None:
            problems.append(
                Problem(rel, f"sources[{i}].date", f"required: this source is cited by {fld}")
            )
    return problems


_REF_KINDS = {
    "provinces": {"province"},
    "partners": {"province"},
    "merged_into": {"province"},
    "places": {"place"},
    "where": {"place"},
    "events": {"event"},
}


def _check_references(
    items: dict[str, Item], files: dict[str, str], broken: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for item in items.values():
        for fld, ref in item.references():
            if ref in broken:
                continue
            target = items.get(ref)
            base = fld.split("[", 1)[0]
            expected = _REF_KINDS.get(base, {"place"} if base == "days" else None)
            if target is None:
                problems.append(Problem(files[item.id], fld, f"unknown id '{ref}'"))
            elif expected and target.kind not in expected:
                kinds = "/".join(sorted(expected))
                problems.append(
                    Problem(files[item.id], fld, f"'{ref}' is {_a(target.kind)}, not {_a(kinds)}")
                )
    counts = Counter(item.kind for item in items.values())
    if items and not counts.get("province"):
        problems.append(Problem("content/province", "(folder)", "no provinces"))
    return problems


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def require_content(root: Path, cache: Path | None = None) -> ContentPack:
    """Load ``root`` or raise ``ContentError`` listing every problem."""
    pack, problems = load_content(root, cache)
    if pack is None:
        raise ContentError(problems)
    return pack
