"""Content files as parsed YAML, kept between runs in a JSON file beside the database.

Parsing ~220 YAML files is most of what loading the content costs `tourbot ask` at
start-up (~0.2 s with libyaml); reading the same data back as JSON takes a tenth of that.
Entries are keyed by a hash of each file's text, so an edited file is parsed again, and
validation always runs on what is read: the cache only spares the YAML parser. Data that
JSON cannot hold exactly (keys that are not strings, types other than YAML's plain ones)
is simply not cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 1


class ParsedCache:
    """Parsed content files by the hash of their text; ``path`` None keeps nothing."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._entries: dict[str, Any] = self._read() if path is not None else {}
        self._used: dict[str, Any] = {}
        self._changed = False

    def _read(self) -> dict[str, Any]:
        assert self._path is not None
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"), object_hook=_decode)
        except (OSError, ValueError):
            return {}  # none yet, or damaged: parsed again
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return {}
        entries = raw.get("files")
        return entries if isinstance(entries, dict) else {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str) -> Any:
        """The parsed data of the file whose text hashes to ``key``, or None."""
        found = self._entries.get(key)
        if found is not None:
            self._used[key] = found  # the caller reads it, never changes it
        return found

    def put(self, key: str, data: Any) -> None:
        if self._path is not None and _exact(data):
            self._used[key] = data
            self._changed = True

    def save(self) -> None:
        """Write the entries of the files read this time (when anything changed)."""
        if self._path is None or not (self._changed or self._used.keys() != self._entries.keys()):
            return
        body = json.dumps({"version": VERSION, "files": self._used}, default=_encode)
        tmp = self._path.with_name(self._path.name + ".tmp")
        try:
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, self._path)  # readers see the old file or the new, never half
        except OSError as exc:  # a read-only data folder: loading still works, slower
            log.info("content: parsed files not cached: %s", exc)
            with contextlib.suppress(OSError):
                tmp.unlink()


def _exact(data: Any) -> bool:
    """Whether JSON (with dates) gives ``data`` back as it is."""
    if isinstance(data, dict):
        return all(isinstance(k, str) and _exact(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_exact(v) for v in data)
    return data is None or isinstance(data, str | int | float | bool | dt.date)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not cached")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return dt.datetime.fromisoformat(obj["$datetime"])
    return obj
