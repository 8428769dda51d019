#!/usr/bin/env python3
"""Fill catalog entries from a JSON file of {msgid: Vietnamese text} (or, for plural
entries, {msgid: [singular, plural]}): the Vietnamese catalog gets the translation, the
English one the msgid itself. Usage: scripts/translate.py FILE.json"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(path: str) -> int:
    wanted: dict[str, object] = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("vi", "en"):
        po_path = ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if not key or key not in wanted:
                continue
            if lang == "en":
                message.string = message.id if isinstance(message.id, tuple) else key
            else:
                value = wanted[key]
                message.string = tuple(value) if isinstance(value, list) else str(value)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=76, sort_output=True, omit_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
