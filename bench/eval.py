"""Measure the answering engine against question sets (``eval/README.md``).

    python bench/eval.py [--set FILE ...] [--dialogues FILE ...] [--tourbot CMD]
                         [--no-peer] [--show-failures] [--json-out FILE]

For every set, cases are grouped by ``today``; ``tourbot ask --json --today D -`` runs
once per group with the questions on stdin, one per line, and answers with one JSON
object per line in the same order. Each case is judged as ``shared/eval/README.md``
says. This is a measurement, not a test: the exit code is 0 unless the bot process
itself fails (crashes, times out, or returns the wrong number of lines).

Dialogues run one ``tourbot ask --json --session NAME --today D -`` per dialogue, when the
bot has ``--session``; otherwise they are reported as not run. A peer, a plain BM25 bot
over the same content (``bench/peer.py``), answers the same cases in the same run.
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
sys.path.insert(0, str(REPO / "bench"))

try:
    from bot.text.fold import fold as _fold
except Exception as exc:  # the engine is allowed to be broken; the judge must not be
    print(f"warning: cannot import bot.text.fold.fold ({exc}); using a local copy", file=sys.stderr)
    import unicodedata

    def _fold(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        decomposed = unicodedata.normalize("NFD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return unicodedata.normalize("NFC", stripped).casefold()


fold: Callable[[str], str] = _fold

DEFAULT_SETS = (
    REPO / "eval" / "questions.jsonl",
    REPO / "eval" / "questions-2.jsonl",
    REPO / "eval" / "questions-3.jsonl",
    REPO / "eval" / "questions-4.jsonl",
    REPO / "eval" / "questions-5.jsonl",
)
DEFAULT_DIALOGUES = (
    REPO / "eval" / "dialogues.jsonl",
    REPO / "eval" / "dialogues-2.jsonl",
    REPO / "eval" / "dialogues-3.jsonl",
    REPO / "eval" / "dialogues-4.jsonl",
)
SHARED_DIRS = (Path("/work/shared/eval"), REPO.parent / "shared" / "eval")
DEV_SETS = ("dev-questions.jsonl", "dev-questions-2.jsonl")
DEV_DIALOGUES = ("dev-dialogues.jsonl",)
CATEGORY_ORDER = ("vi", "vi_plain", "en", "typo", "oos", "date")


class BotFailure(RuntimeError):
    """The bot process did not honour the JSON-lines contract."""


# --------------------------------------------------------------------------- loading
def _check_case(case: dict[str, Any], where: str) -> None:
    if "\n" in case["q"]:
        raise SystemExit(f"{where}: a question may not contain a newline")
    for pattern in [*case.get("must", []), *case.get("must_not", [])]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SystemExit(f"{where}: bad regex {pattern!r}: {exc}") from exc


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON: {exc}") from exc
    return rows


def load_set(path: Path) -> list[dict[str, Any]]:
    cases = []
    for n, case in _read_jsonl(path):
        _check_case(case, f"{path}:{n}")
        cases.append(case)
    return cases


def load_dialogues(path: Path) -> list[dict[str, Any]]:
    dialogues = []
    for n, dialogue in _read_jsonl(path):
        for turn in dialogue["turns"]:
            _check_case(turn, f"{path}:{n}")
        dialogues.append(dialogue)
    return dialogues


def _shared(names: tuple[str, ...]) -> list[Path]:
    for folder in SHARED_DIRS:
        if folder.is_dir():
            return [folder / name for name in names if (folder / name).exists()]
    return []


def default_sets() -> list[Path]:
    return [p for p in DEFAULT_SETS if p.exists()] + _shared(DEV_SETS)


def default_dialogues() -> list[Path]:
    return [p for p in DEFAULT_DIALOGUES if p.exists()] + _shared(DEV_DIALOGUES)


def item_provinces(content: Path) -> dict[str, set[str]]:
    """Item id -> its ``provinces`` (a province item also belongs to itself)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, set[str]] = {}
    for path in sorted(content.glob("*/*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        if "id" in data:
            own = {data["id"]} if path.parent.name == "province" else set()
            out[data["id"]] = set(data.get("provinces") or []) | own
    return out


PROVINCES: dict[str, set[str]] = {}


# --------------------------------------------------------------------------- running
def bot_command(
    prefix: list[str] | None, db: Path, today: str, session: str | None = None
) -> list[str]:
    tail = ["ask", "--json", *(["--session", session] if session else []), "--today", today, "-"]
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
    # answered: null (set 2) accepts either; only the text is judged
    expected = case.get("answered")
    if expected is not None and bool(reply.get("answered")) != bool(expected):
        reasons.append(f"answered={reply.get('answered')} expected {expected}")
    if case.get("lang") is not None and reply.get("lang") != case["lang"]:
        reasons.append(f"lang={reply.get('lang')} expected {case['lang']}")
    raw_text = str(reply.get("text") or "")
    text = fold(raw_text)
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
    reasons += _judge_set2(case, reply, raw_text)
    return reasons


def _judge_set2(case: dict[str, Any], reply: dict[str, Any], raw_text: str) -> list[str]:
    """The set-2 fields: what the reply is about, its items, and its length."""
    reasons = []
    items = [i for i in reply.get("items") or [] if isinstance(i, dict)]
    top = case.get("top")
    if top:
        first = items[0].get("id") if items else None
        if first not in top:
            reasons.append(f"first item {first} not in {top}")
    for kind, least in (case.get("kinds") or {}).items():
        have = sum(i.get("kind") == kind for i in items)
        if have < least:
            reasons.append(f"{have} {kind} item(s), need >= {least}")
    for kind, allowed in (case.get("in_provinces") or {}).items():
        for item in items:
            if item.get("kind") != kind:
                continue
            where = PROVINCES.get(str(item.get("id")), set())
            if not where & set(allowed):
                reasons.append(f"{kind} {item.get('id')} in {sorted(where)}, not {allowed}")
    limit = case.get("max_len")
    if limit is not None and len(raw_text) > limit:
        reasons.append(f"reply {len(raw_text)} chars > max_len {limit}")
    return reasons


Runner = Callable[[str, list[str]], list[dict[str, Any]]]


def bot_runner(prefix: list[str] | None, db: Path, timeout: float) -> Runner:
    """Answers a group of questions asked on one day, one bot process per group."""

    def run(today: str, questions: list[str]) -> list[dict[str, Any]]:
        return run_group(bot_command(prefix, db, today), questions, timeout)

    return run


def peer_runner(content: Path) -> Runner:
    from peer import Bm25Peer  # bench/peer.py; rank-bm25 is a dev dependency

    peer = Bm25Peer(content)

    def run(today: str, questions: list[str]) -> list[dict[str, Any]]:
        return [peer.answer(q) for q in questions]

    return run


def _row(set_name: str, case: dict[str, Any], reply: dict[str, Any] | None) -> dict[str, Any]:
    reasons = judge(case, reply)
    return {
        "set": set_name,
        "id": case["id"],
        "category": case.get("category") or case.get("cat"),
        "today": case["today"],
        "q": case["q"],
        "expected_answered": case.get("answered"),
        "passed": not reasons,
        "reasons": reasons,
        "reply": reply,
    }


def evaluate(path: Path, runner: Runner) -> tuple[list[dict[str, Any]], list[str]]:
    cases = load_set(path)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        groups[case["today"]].append(case)
    replies: dict[int, dict[str, Any] | None] = {}
    errors = []
    for today, group in sorted(groups.items()):
        try:
            answers: Iterable[dict[str, Any] | None] = runner(today, [c["q"] for c in group])
        except BotFailure as exc:
            errors.append(f"{path.name} today={today}: {exc}")
            answers = [None] * len(group)
        for case, reply in zip(group, answers, strict=True):
            replies[id(case)] = reply
    return [_row(path.name, case, replies[id(case)]) for case in cases], errors


def supports_sessions(prefix: list[str] | None, db: Path) -> bool:
    """Whether ``tourbot ask`` has ``--session`` (dialogues need it)."""
    cmd = [*(prefix or [sys.executable, "-m", "bot", "--db", str(db)]), "ask", "--help"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--session" in out.stdout


def evaluate_dialogues(
    path: Path, session_runner: Callable[[dict[str, Any]], list[dict[str, Any]]] | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per turn; ``session_runner`` None means the dialogues cannot run."""
    rows, errors = [], []
    for dialogue in load_dialogues(path):
        replies: list[dict[str, Any] | None] = [None] * len(dialogue["turns"])
        if session_runner is not None:
            try:
                replies = list(session_runner(dialogue))
            except BotFailure as exc:
                errors.append(f"{path.name} {dialogue['id']}: {exc}")
        for n, (turn, reply) in enumerate(zip(dialogue["turns"], replies, strict=True), 1):
            case = {
                **turn,
                "id": f"{dialogue['id']}.{n}",
                "today": dialogue["today"],
                "lang": _current_lang(dialogue, n),
                "answered": turn.get("answered"),
            }
            row = _row(path.name, case, reply)
            row["category"] = dialogue.get("cat") or "dialogue"
            row["dialogue"] = dialogue["id"]
            row["run"] = session_runner is not None
            rows.append(row)
    return rows, errors


def _current_lang(dialogue: dict[str, Any], n: int) -> str | None:
    """The language turn ``n`` must be answered in: a switch carries to later turns."""
    lang = dialogue.get("lang")
    for turn in dialogue["turns"][:n]:
        lang = turn.get("lang", lang)
    return lang


def bot_session_runner(
    prefix: list[str] | None, db: Path, timeout: float
) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    def run(dialogue: dict[str, Any]) -> list[dict[str, Any]]:
        cmd = bot_command(prefix, db, dialogue["today"], session=f"eval-{dialogue['id']}")
        return run_group(cmd, [t["q"] for t in dialogue["turns"]], timeout)

    return run


def peer_session_runner(runner: Runner) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """The peer keeps no context: every turn is a fresh question."""

    def run(dialogue: dict[str, Any]) -> list[dict[str, Any]]:
        return runner(dialogue["today"], [t["q"] for t in dialogue["turns"]])

    return run


# --------------------------------------------------------------------------- reporting
def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f}%" if den else "    -"


def _key(question: str) -> str:
    """The words of a question, so that a vi case and its vi_plain mirror compare equal."""
    return " ".join(re.findall(r"\w+", fold(question)))


def _acc(rows: list[dict[str, Any]]) -> float | None:
    return 100.0 * sum(r["passed"] for r in rows) / len(rows) if rows else None


def report(
    set_name: str, results: list[dict[str, Any]], peer: list[dict[str, Any]] | None = None
) -> None:
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    has_cats = any(r["category"] for r in results)
    for r in results:
        by_cat[r["category"] or set_name if has_cats else set_name].append(r)
    peer_by_id = {r["id"]: r for r in peer or []}
    order = [c for c in CATEGORY_ORDER if c in by_cat] + sorted(
        c for c in by_cat if c not in CATEGORY_ORDER
    )

    def peer_cell(rows: list[dict[str, Any]]) -> str:
        if not peer_by_id:
            return ""
        got = [peer_by_id[r["id"]]["passed"] for r in rows if r["id"] in peer_by_id]
        return f"{_pct(sum(got), len(got)):>10}"

    print(f"\n== {set_name}")
    peer_head = f"{'BM25 peer':>10}" if peer_by_id else ""
    print(f"{'category':<22}{'cases':>7}{'passed':>8}{'accuracy':>10}{peer_head}")
    for cat in order:
        rows = by_cat[cat]
        passed = sum(r["passed"] for r in rows)
        print(f"{cat:<22}{len(rows):>7}{passed:>8}{_pct(passed, len(rows)):>10}{peer_cell(rows)}")
    passed = sum(r["passed"] for r in results)
    print(
        f"{'overall':<22}{len(results):>7}{passed:>8}{_pct(passed, len(results)):>10}"
        f"{peer_cell(results)}"
    )

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
    oos = [r for r in results if r["expected_answered"] is False]
    if oos:
        rejected = sum(bool(r["reply"]) and not r["reply"].get("answered") for r in oos)
        print(f"out-of-scope rejection rate: {rejected}/{len(oos)} {_pct(rejected, len(oos))}")
    ins = [r for r in results if r["expected_answered"] is True]
    if ins:
        refused = sum(bool(r["reply"]) and not r["reply"].get("answered") for r in ins)
        print(f"in-scope questions refused:  {refused}/{len(ins)} {_pct(refused, len(ins))}")


def report_dialogues(
    set_name: str, rows: list[dict[str, Any]], peer: list[dict[str, Any]] | None = None
) -> None:
    print(f"\n== {set_name} (dialogues)")
    if rows and not rows[0]["run"]:
        dialogues = len({r["dialogue"] for r in rows})
        print(
            f"not run: tourbot ask has no --session yet ({dialogues} dialogues, {len(rows)} turns)"
        )
        if peer:
            passed = sum(r["passed"] for r in peer)
            print(f"BM25 peer (no context): turns {passed}/{len(peer)} {_pct(passed, len(peer))}")
        return
    peer_by_id = {r["id"]: r for r in peer or []}
    print(
        f"{'category':<14}{'dialogues':>10}{'all turns ok':>14}{'turns ok':>10}{'peer turns':>12}"
    )
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_cat[r["category"]].append(r)
    for cat, cat_rows in [*sorted(by_cat.items()), ("overall", rows)]:
        ids = list(dict.fromkeys(r["dialogue"] for r in cat_rows))
        whole = sum(all(r["passed"] for r in cat_rows if r["dialogue"] == d) for d in ids)
        turns = sum(r["passed"] for r in cat_rows)
        peer_ok = sum(peer_by_id[r["id"]]["passed"] for r in cat_rows if r["id"] in peer_by_id)
        print(
            f"{cat:<14}{len(ids):>10}{_pct(whole, len(ids)):>14}{_pct(turns, len(cat_rows)):>10}"
            f"{_pct(peer_ok, len(cat_rows)) if peer_by_id else '':>12}"
        )


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
        help="a JSON-lines question set (repeatable; default: eval/questions.jsonl,"
        " eval/questions-2.jsonl … eval/questions-5.jsonl and the shared dev sets when present)",
    )
    parser.add_argument(
        "--dialogues",
        action="append",
        type=Path,
        help="a JSON-lines dialogue set (repeatable; default: eval/dialogues.jsonl,"
        " eval/dialogues-2.jsonl … eval/dialogues-4.jsonl and the shared dev dialogues; none"
        " when --set is given"
        " without it)",
    )
    parser.add_argument(
        "--tourbot",
        help="command that runs the bot, e.g. 'tourbot --db x.db';"
        " 'ask --json --today D -' is appended (default: python -m bot with a"
        " temporary database)",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the BM25 peer")
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
    dialogue_sets = args.dialogues or ([] if args.sets else default_dialogues())
    prefix = shlex.split(args.tourbot) if args.tourbot else None
    PROVINCES.update(item_provinces(REPO / "content"))
    peer = None if args.no_peer else peer_runner(REPO / "content")
    all_results: list[dict[str, Any]] = []
    peer_results: list[dict[str, Any]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tourbot-eval-") as tmp:
        db = Path(tmp) / "eval.sqlite3"
        runner = bot_runner(prefix, db, args.timeout)
        for path in [*sets, *dialogue_sets]:
            if not path.exists():
                raise SystemExit(f"no such set: {path}")
        for path in sets:
            results, errs = evaluate(path, runner)
            all_results.extend(results)
            errors.extend(errs)
            if peer is not None:
                peer_results.extend(evaluate(path, peer)[0])
        sessions = (
            bot_session_runner(prefix, db, args.timeout)
            if dialogue_sets and supports_sessions(prefix, db)
            else None
        )
        dialogue_rows: dict[str, list[dict[str, Any]]] = {}
        peer_dialogue_rows: dict[str, list[dict[str, Any]]] = {}
        for path in dialogue_sets:
            rows, errs = evaluate_dialogues(path, sessions)
            dialogue_rows[path.name] = rows
            errors.extend(errs)
            if peer is not None:
                peer_dialogue_rows[path.name] = evaluate_dialogues(path, peer_session_runner(peer))[
                    0
                ]

    if args.show_failures:
        show_failures(all_results, args.width)
        for rows in dialogue_rows.values():
            show_failures([r for r in rows if r["run"]], args.width)
    for path in sets:
        report(
            path.name,
            [r for r in all_results if r["set"] == path.name],
            [r for r in peer_results if r["set"] == path.name],
        )
    if len(sets) > 1:
        passed = sum(r["passed"] for r in all_results)
        line = f"\nall sets: {passed}/{len(all_results)} {_pct(passed, len(all_results))}"
        if peer_results:
            peer_passed = sum(r["passed"] for r in peer_results)
            line += f"  (BM25 peer {peer_passed}/{len(peer_results)}"
            line += f" {_pct(peer_passed, len(peer_results))})"
        print(line)
    for name, rows in dialogue_rows.items():
        report_dialogues(name, rows, peer_dialogue_rows.get(name))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "cases": all_results,
            "peer": peer_results,
            "dialogues": [r for rows in dialogue_rows.values() for r in rows],
        }
        args.json_out.write_text(
            json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"per-case results written to {args.json_out}")
    for err in errors:
        print(f"\nBOT FAILURE: {err}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
