"""Search latency: median and p99 per question, bundled content and a 10,000-item corpus,
against a plain rank-bm25 baseline over the same folded texts, in the same run.

    python bench/search.py [--items 10000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

from bot.config import PROJECT_DIR
from bot.content.loader import require_content
from bot.core.engine import Engine
from bot.i18n import load_catalogs
from bot.search.index import SearchIndex, build_docs
from bot.store.db import connect
from bot.store.docs import Docs
from bot.text.fold import tokens

TODAY = dt.date(2026, 11, 26)
QUESTIONS = [
    "Hội Lim diễn ra khi nào?",
    "hoi lim bao gio",
    "chua vinh nghiem o dau",
    "Where is Tam Thanh cave?",
    "quan hoj bac ninh",
    "tour ATK mấy ngày",
    "what to eat in Lang Son",
    "Côn Sơn cách Kiếp Bạc bao xa",
    "lễ hội tháng Giêng",
    "events next February",
    "giá vàng hôm nay",
    "capital of France",
    "Ca trù là gì",
    "ba be lake",
    "dac san nghe an",
    "Lục Ngạn lychee",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _synthetic(root: Path, n: int, seed: int = 7) -> None:
    """Copy the bundled content and add ``n`` generated places built from its vocabulary."""
    shutil.copytree(PROJECT_DIR / "content", root)
    rng = random.Random(seed)
    words = sorted(
        {w for p in (PROJECT_DIR / "content").rglob("*.yaml") for w in tokens(p.read_text("utf-8"))}
    )
    provinces = ["bac-giang", "bac-ninh", "thai-nguyen", "hai-duong", "lang-son", "nghe-an"]
    for i in range(n):
        name = " ".join(rng.choices(words, k=3)).title()
        text = " ".join(rng.choices(words, k=60))
        item = {
            "id": f"gen-{i}",
            "name": {"vi": f"{name} {i}", "en": f"{name} {i}"},
            "summary": {"vi": text[:120], "en": text[:120]},
            "body": {"vi": text, "en": text},
            "aliases": [f"{name} {i}"],
            "provinces": [rng.choice(provinces)],
            "tags": ["generated"],
            "sources": [{"title": "generated for the benchmark", "url": "https://example.org/"}],
            "confidence": "uncertain",
            "address": {"vi": "generated", "en": "generated"},
            "coordinates": {"lat": 21.0 + rng.random(), "lon": 105.5 + rng.random()},
        }
        (root / "place" / f"gen-{i}.yaml").write_text(
            yaml.safe_dump(item, allow_unicode=True), "utf-8"
        )


async def _measure(content: Path, db: Path, queries: int) -> dict[str, float]:
    pack = require_content(content)
    conn = await connect(db)
    docs_repo = Docs(conn)
    t0 = time.perf_counter()
    index = await SearchIndex.open(pack, docs_repo)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    await SearchIndex.open(pack, docs_repo)  # warm: fingerprint matches, no rebuild
    warm_s = time.perf_counter() - t0
    engine = Engine(pack, index, docs_repo, "vi")
    ours = []
    for i in range(queries):
        q = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        await engine.answer(q, TODAY)
        ours.append((time.perf_counter() - t0) * 1000)
    await conn.close()
    corpus = [d.fulltext.split() for d in build_docs(pack)]
    bm25 = BM25Okapi(corpus)
    base = []
    for i in range(queries):
        q = tokens(QUESTIONS[i % len(QUESTIONS)])
        t0 = time.perf_counter()
        scores = bm25.get_scores(q)
        max(range(len(scores)), key=scores.__getitem__)
        base.append((time.perf_counter() - t0) * 1000)
    return {
        "items": len(pack.items),
        "build_s": build_s,
        "warm_open_s": warm_s,
        "ours_p50": statistics.median(ours),
        "ours_p99": _percentile(ours, 0.99),
        "bm25_p50": statistics.median(base),
        "bm25_p99": _percentile(base, 0.99),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    load_catalogs()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        rows = [("bundled", await _measure(PROJECT_DIR / "content", tmpdir / "a.db", args.queries))]
        _synthetic(tmpdir / "content", args.items)
        rows.append(
            (
                f"+{args.items} generated",
                await _measure(tmpdir / "content", tmpdir / "b.db", args.queries),
            )
        )
    print(
        f"{'corpus':<18}{'items':>7}{'build s':>9}{'warm s':>8}"
        f"{'ours p50':>10}{'ours p99':>10}{'bm25 p50':>10}{'bm25 p99':>10}  (ms)"
    )
    for name, r in rows:
        print(
            f"{name:<18}{r['items']:>7.0f}{r['build_s']:>9.2f}{r['warm_open_s']:>8.2f}"
            f"{r['ours_p50']:>10.2f}{r['ours_p99']:>10.2f}{r['bm25_p50']:>10.2f}{r['bm25_p99']:>10.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
