"""Pseudonyms for user ids that must not be kept in the clear: a keyed hash with a salt
made once per database (table ``meta``), so the same visitor gets the same pseudonym,
and nobody without the database can tell whose it is."""

from __future__ import annotations

import hashlib

from bot.store.db import Db

SALT_KEY = "pseudonym_salt"


def pseudonym(salt: bytes, channel: str, user_id: str) -> str:
    """``p:`` and 16 hex digits of a BLAKE2b of ``channel:user_id`` keyed with ``salt``."""
    digest = hashlib.blake2b(f"{channel}:{user_id}".encode(), key=salt, digest_size=8)
    return "p:" + digest.hexdigest()


async def database_salt(db: Db) -> bytes:
    """This database's salt (made by migration 0007)."""
    row = await db.one("SELECT value FROM meta WHERE key = ?", (SALT_KEY,))
    if row is None:
        raise RuntimeError("the database has no pseudonym salt: migration 0007 missing")
    return bytes.fromhex(str(row[0]))
