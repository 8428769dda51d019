"""``tourbot content check``: problems, counts, and the staff review of what to re-check."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.content.loader import Problem, Scan, scan_content
from bot.content.schema import CONFIDENCE, KINDS, PRECISION, Item, Place


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing staff should look at in an item that is otherwise valid."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Review:
    """The findings of one file."""

    file: str
    id: str
    kind: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything ``content check`` prints, as data."""

    counts: dict[str, int]  # items per kind
    confidence: dict[str, int]  # items per confidence level
    coordinates: dict[str, int]  # places per precision of their point
    problems: list[Problem]
    review: list[Review]

    def as_json(self, with_review: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "counts": self.counts,
            "confidence": self.confidence,
            "coordinates": self.coordinates,
            "errors": [
                {"file": p.file, "field": p.field, "message": p.message} for p in self.problems
            ],
        }
        if with_review:
            out["review"] = [
                {
                    "file": r.file,
                    "id": r.id,
                    "kind": r.kind,
                    "findings": [{"field": f.field, "message": f.message} for f in r.findings],
                }
                for r in self.review
            ]
        return out


def findings(item: Item) -> list[Finding]:
    """What staff should re-check in ``item``: doubtful facts and missing practical facts."""
    out: list[Finding] = []
    if item.confidence == "uncertain":
        out.append(Finding("confidence", "uncertain: re-check the item against its sources"))
    for i, note in enumerate(item.uncertain):
        out.append(Finding(f"uncertain[{i}]", f"{note.vi} / {note.en}"))
    if isinstance(item, Place):
        # Visitors are then told to check locally; a dated source would let the bot say more.
        if item.opening_hours is None:
            out.append(Finding("opening_hours", "no opening hours with a dated source"))
        if item.tickets is None:
            out.append(Finding("tickets", "no ticket prices with a dated source"))
        if item.coordinates.precision == "estimate":
            out.append(
                Finding("coordinates", "an estimate no source gives: the bot shows no map pin")
            )
        elif item.coordinates.precision == "commune":
            out.append(Finding("coordinates", "the commune's point, not the place's own"))
    return out


def build_report(scan: Scan) -> CheckReport:
    """Counts over the items that validated, and the review of each, file by file."""
    items = scan.items.values()
    kinds: Counter[str] = Counter(item.kind for item in items)
    levels: Counter[str] = Counter(item.confidence for item in items)
    points: Counter[str] = Counter(i.coordinates.precision for i in items if isinstance(i, Place))
    # Items come in the loader's order: by kind, then by file name.
    review = [
        Review(scan.files[item.id], item.id, item.kind, tuple(found))
        for item in items
        if (found := findings(item))
    ]
    return CheckReport(
        counts={kind: kinds[kind] for kind in KINDS if kinds[kind]},
        confidence={level: levels[level] for level in CONFIDENCE},
        coordinates={p: points[p] for p in PRECISION},
        problems=scan.problems,
        review=review,
    )


def render_text(report: CheckReport, with_review: bool, out: TextIO, err: TextIO) -> None:
    """The report for a terminal: the review (if asked), the problems, then a summary line
    (on ``err`` when there are problems)."""
    if with_review:
        for entry in report.review:
            print(entry.file, file=out)
            for finding in entry.findings:
                print(f"  {finding.field}: {finding.message}", file=out)
        print(f"review: {len(report.review)} file(s) to re-check", file=out)
    for problem in report.problems:
        print(problem, file=out)
    total = sum(report.counts.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.items()))
    levels = ", ".join(f"{n} {level}" for level, n in report.confidence.items())
    if report.problems:
        print(f"{len(report.problems)} problem(s); {total} valid items ({kinds})", file=err)
    else:
        points = ", ".join(f"{n} {p}" for p, n in report.coordinates.items())
        print(f"ok: {total} items ({kinds}); confidence: {levels}; points: {points}", file=out)


def content_check(
    root: Path,
    as_json: bool,
    with_review: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the check on ``root`` and print it (default: stdout, stderr); 1 on problems."""
    out = out or sys.stdout
    err = err or sys.stderr
    report = build_report(scan_content(root))
    if as_json:
        print(json.dumps(report.as_json(with_review), ensure_ascii=False), file=out)
    else:
        render_text(report, with_review, out, err)
    return 1 if report.problems else 0
