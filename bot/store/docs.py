"""The full-text index tables (``docs`` and ``docs_fts``) and the content fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Db

# BM25 column weights: names (with aliases) matter most, then summary, body, tags.
_WEIGHTS = (10.0, 3.0, 1.0, 2.0)


@dataclass(frozen=True, slots=True)
class Doc:
    item_id: str
    kind: str
    names: str
    summary: str
    body: str
    tags: str
    fulltext: str


def rowid_of(item_id: str) -> int:
    """The item's row in the index, the same whatever else the content holds.

    Another process (``tourbot ask`` after an edit, say) may rewrite the index for newer
    content while the bot serves the older pack: with rowids counted from 1 the bot's
    rowid → item map then pointed at the wrong items. A 56-bit hash of the id keeps
    every item on its own row; collisions are checked when the index is written."""
    return int.from_bytes(hashlib.blake2b(item_id.encode(), digest_size=7).digest(), "big")


class Docs:
    """Repository over the search index; the index is rebuilt only when content changes."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def fingerprint(self) -> str | None:
        row = await self._db.one("SELECT value FROM meta WHERE key = 'content'")
        return str(row[0]) if row else None

    async def replace_all(self, docs: Sequence[Doc], fingerprint: str) -> None:
        """Swap the whole index in one transaction, so readers never see half of it."""
        rows = [(rowid_of(d.item_id), d) for d in docs]
        if len({rowid for rowid, _ in rows}) != len(rows):
            raise ValueError("two content items hash to the same index row; rename one")
        async with self._db.tx() as conn:
            await conn.execute("DELETE FROM docs_fts")
            await conn.execute("DELETE FROM docs")
            await conn.executemany(
                "INSERT INTO docs (rowid, item_id, kind, fulltext) VALUES (?, ?, ?, ?)",
                [(rowid, d.item_id, d.kind, d.fulltext) for rowid, d in rows],
            )
            await conn.executemany(
                "INSERT INTO docs_fts (rowid, names, summary, body, tags) VALUES (?, ?, ?, ?, ?)",
                [(rowid, d.names, d.summary, d.body, d.tags) for rowid, d in rows],
            )
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('content', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (fingerprint,),
            )

    async def search(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(rowid, bm25 score; lower is better) for an FTS5 MATCH expression built by
        ``bot.search.query`` — never raw user text. Ranking happens inside FTS5 alone;
        rowids map to items through ``rowid_of`` (a join here would double the cost)."""
        w = _WEIGHTS
        rows = await self._db.all_inline(
            f"""
            SELECT rowid, bm25(docs_fts, {w[0]}, {w[1]}, {w[2]}, {w[3]}) AS score
            FROM docs_fts WHERE docs_fts MATCH ? ORDER BY score LIMIT ?
            """,
            (match, limit),
        )
        return [(int(row[0]), float(row[1])) for row in rows]

    async def vocabulary(self) -> dict[str, int]:
        """Every indexed token with the number of documents containing it."""
        await self._db.write(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.docs_vocab"
            " USING fts5vocab(main, docs_fts, row)"
        )
        rows = await self._db.all("SELECT term, doc FROM temp.docs_vocab")
        return {row[0]: int(row[1]) for row in rows}
