"""Language detection accuracy: ours against langdetect (an off-the-shelf detector), per
category of the evaluation sets, in the same run.

    python bench/lang.py [--set eval/questions.jsonl] [--set ../shared/eval/dev-questions.jsonl]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from langdetect import DetectorFactory, LangDetectException, detect

from bot.config import PROJECT_DIR
from bot.search.lang import detect_language

DetectorFactory.seed = 0  # langdetect is random without a seed


def _langdetect(text: str) -> str:
    try:
        code = detect(text)
    except LangDetectException:
        return "en"
    return "vi" if code == "vi" else "en"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", action="append", type=Path)
    args = parser.parse_args()
    sets = args.set or [
        PROJECT_DIR / "eval" / "questions.jsonl",
        PROJECT_DIR.parent / "shared" / "eval" / "dev-questions.jsonl",
    ]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # cases, ours, langdetect
    for path in sets:
        if not path.is_file():
            continue
        for line in path.read_text("utf-8").splitlines():
            case = json.loads(line)
            category = case.get("category", path.stem)
            row = counts[category]
            row[0] += 1
            # No saved preference: the message alone decides, as for a first message.
            row[1] += detect_language(case["q"], None, "vi") == case["lang"]
            row[2] += _langdetect(case["q"]) == case["lang"]
    print(f"{'category':<22}{'cases':>6}{'ours':>9}{'langdetect':>12}")
    total = [0, 0, 0]
    for category, (n, ours, other) in sorted(counts.items()):
        total = [total[0] + n, total[1] + ours, total[2] + other]
        print(f"{category:<22}{n:>6}{100 * ours / n:>8.1f}%{100 * other / n:>11.1f}%")
    n, ours, other = total
    print(f"{'all':<22}{n:>6}{100 * ours / n:>8.1f}%{100 * other / n:>11.1f}%")


if __name__ == "__main__":
    main()
