"""Measure the answering engine against question sets (``eval/README.md``).

    python bench/eval.py [--set FILE ...] [--tourbot CMD] [--show-failures] [--json-out FILE]

For every set, cases are grouped by ``today``; ``tourbot ask --json --today D -`` runs
once per group with the questions on stdin, one per line, and answers with one JSON
object per line in the same order. Each case is judged as ``shared/eval/README.md``
says. This is a measurement, not a test: the exit code is 0 unless the bot process
itself fails (crashes, times out, or returns the wrong number of lines).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

try:
    from bot.search.text import fold as _fold
except Exception as exc:  # the engine is allowed to be broken; the judge must not be
    print(
        f"warning: cannot import bot.search.text.fold ({exc}); using a local copy", file=sys.stderr
    )
    import unicodedata

    def _fold(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        decomposed = unicodedata.normalize("NFD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return unicodedata.normalize("NFC", stripped).casefold()


fold: Callable[[str], str] = _fold

DEFAULT_SET = REPO / "eval" / "questions.jsonl"
DEV_SETS = (
    Path("/work/shared/eval/dev-questions.jsonl"),
    REPO.parent / "shared" / "eval" / "dev-questions.jsonl",
)
CATEGORY_ORDER = ("vi", "vi_plain", "en", "typo", "oos", "date")


class BotFailure(RuntimeError):
    """The bot process did not honour the JSON-lines contract."""


# --------------------------------------------------------------------------- loading
def load_set(path: Path) -> list[dict[str, Any]]:
    cases = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON: {exc}") from exc
            if "\n" in case["q"]:
                raise SystemExit(f"{path}:{n}: a question may not contain a newline")
            for pattern in [*case.get("must", []), *case.get("must_not", [])]:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise SystemExit(f"{path}:{n}: bad regex {pattern!r}: {exc}") from exc
            cases.append(case)
    return cases


def default_sets() -> list[Path]:
    sets = [DEFAULT_SET]
    for dev in DEV_SETS:
        if dev.exists():
            sets.append(dev)
            break
    return sets


# --------------------------------------------------------------------------- running
def bot_command(prefix: list[str] | None, db: Path, today: str) -> list[str]:
    tail = ["ask", "--json", "--today", today, "-"]
    if prefix is None:
        return [sys.executable, "-m", "bot", "--db", str(db), *tail]
    return [*prefix, *tail]


def run_group(cmd: list[str], questions: list[str], timeout: float) -> list[dict[str, Any]]:
    stdin = "".join(q + "\n" for q in questions)
    try:
        proc = subprocess.run(
            cmd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BotFailure(f"timed out after {timeout:.0f}s: {shlex.join(cmd)}") from exc
    except OSError as exc:
        raise BotFailure(f"cannot run {shlex.join(cmd)}: {exc}") from exc
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    replies: list[dict[str, Any]] = []
    for ln in lines:
        try:
            replies.append(json.loads(ln))
        except json.JSONDecodeError:
            raise BotFailure(f"non-JSON output line: {ln[:200]!r}") from None
    if proc.returncode != 0 or len(replies) != len(questions):
        err = proc.stderr.strip().splitlines()[-15:]
        raise BotFailure(
            f"{shlex.join(cmd)} exited {proc.returncode}, {len(replies)} replies for "
            f"{len(questions)} questions\n    " + "\n    ".join(err)
        )
    return replies


# --------------------------------------------------------------------------- judging
def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def judge(case: dict[str, Any], reply: dict[str, Any] | None) -> list[str]:
    """Reasons the reply fails the case; empty when it passes."""
    if reply is None:
        return ["no reply (bot process failed)"]
    reasons = []
    if bool(reply.get("answered")) != bool(case["answered"]):
        reasons.append(f"answered={reply.get('answered')} expected {case['answered']}")
    if reply.get("lang") != case["lang"]:
        reasons.append(f"lang={reply.get('lang')} expected {case['lang']}")
    text = fold(str(reply.get("text") or ""))
    for pattern in case.get("must", []):
        if not re.search(pattern, text):
            reasons.append(f"missing /{pattern[:80]}/")
    for pattern in case.get("must_not", []):
        m = re.search(pattern, text)
        if m:
            reasons.append(f"forbidden {m.group(0)!r}")
    window = case.get("window")
    if window:
        lo, hi = dt.date.fromisoformat(window[0]), dt.date.fromisoformat(window[1])
        events = [i for i in reply.get("items") or [] if i.get("kind") == "event"]
        for item in events:
            start = _date(item.get("start"))
            end = _date(item.get("end")) or start
            if start is None or end is None:
                reasons.append(f"event {item.get('id')} has no dates")
            elif start > hi or end < lo:
                reasons.append(f"event {item.get('id')} {start}..{end} outside {lo}..{hi}")
        need = case.get("min_events", 1)
        if len(events) < need:
            reasons.append(f"{len(events)} event item(s), need >= {need}")
    elif case.get("min_events"):
        events = [i for i in reply.get("items") or [] if i.get("kind") == "event"]
        if len(events) < case["min_events"]:
            reasons.append(f"{len(events)} event item(s), need >= {case['min_events']}")
    return reasons


def evaluate(
    path: Path, prefix: list[str] | None, db: Path, timeout: float
) -> tuple[list[dict[str, Any]], list[str]]:
    cases = load_set(path)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        groups[case["today"]].append(case)
    replies: dict[int, dict[str, Any] | None] = {}
    errors = []
    for today, group in sorted(groups.items()):
        cmd = bot_command(prefix, db, today)
        try:
            answers: Iterable[dict[str, Any] | None] = run_group(
                cmd, [c["q"] for c in group], timeout
            )
        except BotFailure as exc:
            errors.append(f"{path.name} today={today}: {exc}")
            answers = [None] * len(group)
        for case, reply in zip(group, answers, strict=True):
            replies[id(case)] = reply
    results = []
    for case in cases:
        reply = replies[id(case)]
        reasons = judge(case, reply)
        results.append(
            {
                "set": path.name,
                "id": case["id"],
                "category": case.get("category"),
                "today": case["today"],
                "q": case["q"],
                "expected_answered": case["answered"],
                "passed": not reasons,
                "reasons": reasons,
                "reply": reply,
            }
        )
    return results, errors


# --------------------------------------------------------------------------- reporting
def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f}%" if den else "    -"


def _key(question: str) -> str:
    """The words of a question, so that a vi case and its vi_plain mirror compare equal."""
    return " ".join(re.findall(r"\w+", fold(question)))


def _acc(rows: list[dict[str, Any]]) -> float | None:
    return 100.0 * sum(r["passed"] for r in rows) / len(rows) if rows else None


def report(set_name: str, results: list[dict[str, Any]]) -> None:
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    has_cats = any(r["category"] for r in results)
    for r in results:
        by_cat[r["category"] or set_name if has_cats else set_name].append(r)
    order = [c for c in CATEGORY_ORDER if c in by_cat] + sorted(
        c for c in by_cat if c not in CATEGORY_ORDER
    )
    print(f"\n== {set_name}")
    print(f"{'category':<22}{'cases':>7}{'passed':>8}{'accuracy':>10}")
    for cat in order:
        rows = by_cat[cat]
        passed = sum(r["passed"] for r in rows)
        print(f"{cat:<22}{len(rows):>7}{passed:>8}{_pct(passed, len(rows)):>10}")
    passed = sum(r["passed"] for r in results)
    print(f"{'overall':<22}{len(results):>7}{passed:>8}{_pct(passed, len(results)):>10}")

    vi, plain = _acc(by_cat.get("vi", [])), _acc(by_cat.get("vi_plain", []))
    if has_cats and vi is not None and plain is not None:
        print(
            f"accent gap (vi - vi_plain): {vi - plain:+.1f} points "
            f"(vi {vi:.1f}%, vi_plain {plain:.1f}%)"
        )
        # the same question with and without diacritics
        vi_by_key = {_key(r["q"]): r for r in by_cat["vi"]}
        pairs = [(vi_by_key[k], r) for r in by_cat["vi_plain"] if (k := _key(r["q"])) in vi_by_key]
        if pairs:
            only_vi = sum(a["passed"] and not b["passed"] for a, b in pairs)
            only_plain = sum(b["passed"] and not a["passed"] for a, b in pairs)
            print(
                f"  mirrored pairs: {len(pairs)}; pass only with accents: {only_vi}, "
                f"only without: {only_plain}"
            )
    oos = [r for r in results if not r["expected_answered"]]
    if oos:
        rejected = sum(bool(r["reply"]) and not r["reply"].get("answered") for r in oos)
        print(f"out-of-scope rejection rate: {rejected}/{len(oos)} {_pct(rejected, len(oos))}")
    ins = [r for r in results if r["expected_answered"]]
    if ins:
        refused = sum(bool(r["reply"]) and not r["reply"].get("answered") for r in ins)
        print(f"in-scope questions refused:  {refused}/{len(ins)} {_pct(refused, len(ins))}")


def show_failures(results: list[dict[str, Any]], width: int) -> None:
    for r in results:
        if r["passed"]:
            continue
        cat = f" [{r['category']}]" if r["category"] else ""
        print(f"\n--- {r['set']} {r['id']}{cat} today={r['today']}: {r['q']}")
        for reason in r["reasons"]:
            print(f"    x {reason}")
        reply = r["reply"]
        if reply is not None:
            text = " ".join(str(reply.get("text") or "").split())
            if len(text) > width:
                text = text[:width] + "…"
            items = ", ".join(
                f"{i.get('kind')}:{i.get('id')}" + (f"@{i.get('start')}" if i.get("start") else "")
                for i in reply.get("items") or []
            )
            print(f"    answered={reply.get('answered')} lang={reply.get('lang')}")
            print(f"    text: {text}")
            if items:
                print(f"    items: {items}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        action="append",
        type=Path,
        dest="sets",
        help="a JSON-lines question set (repeatable; default: eval/questions.jsonl"
        " and the shared dev set when present)",
    )
    parser.add_argument(
        "--tourbot",
        help="command that runs the bot, e.g. 'tourbot --db x.db';"
        " 'ask --json --today D -' is appended (default: python -m bot with a"
        " temporary database)",
    )
    parser.add_argument(
        "--show-failures",
        action="store_true",
        help="print every failing case with its reasons and reply",
    )
    parser.add_argument("--width", type=int, default=400, help="reply text shown per failure")
    parser.add_argument("--json-out", type=Path, help="write the per-case results here")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per bot run")
    args = parser.parse_args(argv)

    sets = args.sets or default_sets()
    prefix = shlex.split(args.tourbot) if args.tourbot else None
    all_results: list[dict[str, Any]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tourbot-eval-") as tmp:
        db = Path(tmp) / "eval.sqlite3"
        for path in sets:
            if not path.exists():
                raise SystemExit(f"no such set: {path}")
            results, errs = evaluate(path, prefix, db, args.timeout)
            all_results.extend(results)
            errors.extend(errs)

    if args.show_failures:
        show_failures(all_results, args.width)
    for path in sets:
        report(path.name, [r for r in all_results if r["set"] == path.name])
    if len(sets) > 1:
        passed = sum(r["passed"] for r in all_results)
        print(f"\nall sets: {passed}/{len(all_results)} {_pct(passed, len(all_results))}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(all_results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"per-case results written to {args.json_out}")
    for err in errors:
        print(f"\nBOT FAILURE: {err}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
