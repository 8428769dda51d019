"""The full-text index tables (``docs`` and ``docs_fts``) and the content fingerprint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

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


class Docs:
    """Repository over the search index; the index is rebuilt only when content changes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fingerprint(self) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = 'content'") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def replace_all(self, docs: Sequence[Doc], fingerprint: str) -> None:
        """Swap the whole index in one transaction, so readers never see half of it."""
        conn = self._conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            await conn.execute("DELETE FROM docs_fts")
            await conn.execute("DELETE FROM docs")
            for rowid, doc in enumerate(docs, start=1):
                await conn.execute(
                    "INSERT INTO docs (rowid, item_id, kind, fulltext) VALUES (?, ?, ?, ?)",
                    (rowid, doc.item_id, doc.kind, doc.fulltext),
                )
            await conn.executemany(
                "INSERT INTO docs_fts (rowid, names, summary, body, tags) VALUES (?, ?, ?, ?, ?)",
                [
                    (rowid, d.names, d.summary, d.body, d.tags)
                    for rowid, d in enumerate(docs, start=1)
                ],
            )
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('content', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (fingerprint,),
            )
            await conn.commit()
        except BaseException:
            await conn.rollback()
            raise

    async def search(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(rowid, bm25 score; lower is better) for an FTS5 MATCH expression built by
        ``bot.search.query`` — never raw user text. Ranking happens inside FTS5 alone;
        rowids map to items through ``item_ids`` (a join here would double the cost)."""
        w = _WEIGHTS
        # One round trip to the database thread (execute + fetch + close would be three).
        rows = await self._conn.execute_fetchall(
            f"""
            SELECT rowid, bm25(docs_fts, {w[0]}, {w[1]}, {w[2]}, {w[3]}) AS score
            FROM docs_fts WHERE docs_fts MATCH ? ORDER BY score LIMIT ?
            """,
            (match, limit),
        )
        return [(int(row[0]), float(row[1])) for row in rows]

    async def item_ids(self) -> dict[int, str]:
        """rowid → item id of every indexed document."""
        async with self._conn.execute("SELECT rowid, item_id FROM docs") as cur:
            return {int(row[0]): str(row[1]) for row in await cur.fetchall()}

    async def vocabulary(self) -> dict[str, int]:
        """Every indexed token with the number of documents containing it."""
        await self._conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.docs_vocab"
            " USING fts5vocab(main, docs_fts, row)"
        )
        async with self._conn.execute("SELECT term, doc FROM temp.docs_vocab") as cur:
            return {row[0]: int(row[1]) for row in await cur.fetchall()}
