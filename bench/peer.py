"""A plain retrieval bot to compare against: BM25 over the same content, no dialogue.

It answers every message with the summary of the best-scoring item, or says it does not
know when the best BM25 score is below a threshold. Same JSON reply shape as
``tourbot ask --json``, so ``bench/eval.py`` judges both by the same rules.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rank_bm25 import BM25Okapi  # noqa: E402

from bot.content.loader import require_content  # noqa: E402
from bot.search.lang import detect_language  # noqa: E402
from bot.text.fold import tokens  # noqa: E402

# Below this BM25 score the peer says it does not know. Chosen on the shared dev set:
# lower answers out-of-scope questions with a random item, higher refuses real ones.
THRESHOLD = 6.0
UNKNOWN = {
    "vi": "Xin lỗi, tôi không biết câu trả lời.",
    "en": "Sorry, I don't know the answer to that.",
}


class Bm25Peer:
    """BM25Okapi over name, aliases, summary and body (both languages) of every item."""

    def __init__(self, content: Path, threshold: float = THRESHOLD) -> None:
        pack = require_content(content)
        self.items = list(pack.items.values())
        docs = []
        for item in self.items:
            text = " ".join(
                [
                    item.name.vi,
                    item.name.en,
                    *item.aliases,
                    item.summary.vi,
                    item.summary.en,
                    item.body.vi,
                    item.body.en,
                ]
            )
            docs.append(tokens(text))
        self.bm25 = BM25Okapi(docs)
        self.threshold = threshold

    def answer(self, question: str) -> dict[str, Any]:
        """The reply to one message, as ``tourbot ask --json`` shapes it."""
        lang = detect_language(question, None, "vi")
        words = tokens(question)
        scores = self.bm25.get_scores(words) if words else []
        best = max(range(len(scores)), key=lambda i: scores[i], default=None)
        if best is None or scores[best] < self.threshold:
            return {"question": question, "lang": lang, "answered": False,
                    "text": UNKNOWN[lang], "items": []}  # fmt: skip
        item = self.items[best]
        return {
            "question": question,
            "lang": lang,
            "answered": True,
            "text": f"{item.name.get(lang)}: {item.summary.get(lang)}",
            "items": [{"id": item.id, "kind": item.kind, "title": item.name.get(lang)}],
        }
