"""The packaged intent examples and chat shorthand (``intents.yaml``), and their split."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

try:  # libyaml parses the file ~10x faster; the pure-Python loader is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Examples:
    """Labelled messages by intent name, and the shorthand map (token -> full form)."""

    by_intent: dict[str, tuple[str, ...]]
    shorthand: dict[str, str]

    def pairs(self) -> list[tuple[str, str]]:
        """(text, intent) for every example."""
        return [(text, name) for name, texts in self.by_intent.items() for text in texts]

    def split(self, every: int = 4) -> tuple[Examples, list[tuple[str, str]]]:
        """Training examples and a held-out list: every ``every``-th example of each intent.

        Deterministic, so the benchmark and the tests see the same split.
        """
        train: dict[str, tuple[str, ...]] = {}
        held: list[tuple[str, str]] = []
        for name, texts in self.by_intent.items():
            train[name] = tuple(t for i, t in enumerate(texts) if i % every != every - 1)
            held += [(t, name) for i, t in enumerate(texts) if i % every == every - 1]
        return Examples(train, self.shorthand), held


def load_examples(path: Path | None = None) -> Examples:
    """Read ``intents.yaml`` (the packaged one unless ``path`` is given)."""
    if path is None:
        text = resources.files("bot.nlu").joinpath("intents.yaml").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=_Loader)
    by_intent = {str(k): tuple(str(t) for t in v) for k, v in raw["intents"].items()}
    shorthand = {str(k): str(v) for k, v in (raw.get("normalize") or {}).items()}
    return Examples(by_intent, shorthand)
