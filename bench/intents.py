"""Compare intent classifiers: keyword rules, char n-grams (centroid, 1-NN) and the hybrid.

    python bench/intents.py [--repeat 3]

Accuracy on three sets, speed per message, and the cost of building each:
- held-out: every 4th example of each intent in ``bot/nlu/intents.yaml``; the models are
  trained on the other three quarters (the rules were written with all examples in view,
  so their held-out figure flatters them: the eval questions are the fairer test);
- eval-2: the questions of ``eval/questions-2.jsonl`` that carry an ``intent`` label;
- content: every question of ``eval/questions.jsonl`` and the shared dev sets the bot
  must answer from content; a classifier "hijacks" one when it gives it an intent that
  never reaches the content search (greeting, weather, booking...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.content.loader import require_content  # noqa: E402
from bot.nlu import Intent, Understanding, gazetteer_from  # noqa: E402
from bot.nlu.data import load_examples  # noqa: E402

TODAY = dt.date(2026, 12, 2)
SHARED = Path("/work/shared/eval")
# Intents that never reach the content search: taking a content question there loses it.
OFF_CONTENT = frozenset(
    {
        Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.HELP, Intent.ABUSE,
        Intent.SWITCH_LANGUAGE, Intent.WEATHER, Intent.BOOKING, Intent.RECIPE, Intent.REMIND,
        Intent.HUMAN,
        Intent.AFFIRM, Intent.DENY,
    }
)  # fmt: skip


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _content_questions() -> list[str]:
    cases = _jsonl(REPO / "eval" / "questions.jsonl")
    cases += _jsonl(SHARED / "dev-questions.jsonl") + _jsonl(SHARED / "dev-questions-2.jsonl")
    return [c["q"] for c in cases if c.get("answered") is True and "intent" not in c]


def _accuracy(predict: Callable[[str], str], cases: list[tuple[str, str]]) -> float:
    return 100.0 * sum(predict(q) == want for q, want in cases) / len(cases) if cases else 0.0


def _speed(predict: Callable[[str], str], texts: list[str], repeat: int) -> tuple[float, float]:
    """Median and p99 microseconds per message, over ``repeat`` passes."""
    # As the running bot does (bot/service.py): a frozen heap, so no collection of the
    # start-up objects lands inside a timing.
    gc.collect()
    gc.freeze()
    times = []
    for _ in range(repeat):
        for text in texts:
            t = time.perf_counter_ns()
            predict(text)
            times.append((time.perf_counter_ns() - t) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes for the timings")
    args = parser.parse_args(argv)

    pack = require_content(REPO / "content")
    provinces, names = gazetteer_from(pack.items.values())
    train, held = load_examples().split(4)
    labelled = [
        (c["q"], c["intent"]) for c in _jsonl(REPO / "eval" / "questions-2.jsonl") if "intent" in c
    ]
    content = _content_questions()

    variants: dict[str, dict[str, Any]] = {
        "rules (keyword cues)": {"method": "rules"},
        "char 2-4-gram, nearest centroid": {"method": "ngram"},
        "char 2-4-gram, 1-NN": {"method": "ngram", "ngram_mode": "nearest"},
        "hybrid: rules, then centroid >= 0.5": {"method": "hybrid"},
        "hybrid, centroid >= 0.4": {"method": "hybrid", "ngram_min": 0.4},
        "hybrid, centroid >= 0.6": {"method": "hybrid", "ngram_min": 0.6},
        "hybrid, 1-NN >= 0.5": {"method": "hybrid", "ngram_mode": "nearest"},
    }
    print(
        f"training examples {sum(len(v) for v in train.by_intent.values())}, held-out "
        f"{len(held)}, eval-2 labelled {len(labelled)}, content questions {len(content)}\n"
    )
    head = (
        f"{'classifier':<38}{'held-out':>9}{'eval-2':>8}{'hijack':>8}"
        f"{'p50 us':>8}{'p99 us':>8}{'build ms':>9}"
    )
    print(head)
    print("-" * len(head))
    everything = [q for q, _ in held] + [q for q, _ in labelled] + content
    for label, kwargs in variants.items():
        t = time.perf_counter()
        nlu = Understanding(provinces, names, examples=train, **kwargs)
        build = (time.perf_counter() - t) * 1000

        def predict(text: str, nlu: Understanding = nlu) -> str:
            return nlu.understand(text, TODAY).intent.value

        held_acc = _accuracy(predict, held)
        eval_acc = _accuracy(predict, labelled)
        hijacked = sum(Intent(predict(q)) in OFF_CONTENT for q in content)
        p50, p99 = _speed(predict, everything, args.repeat)
        print(
            f"{label:<38}{held_acc:>8.1f}%{eval_acc:>7.1f}%{hijacked:>5}/{len(content):<3}"
            f"{p50:>7.0f}{p99:>8.0f}{build:>9.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
