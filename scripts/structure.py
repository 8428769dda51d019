#!/usr/bin/env python3
"""Check the shape of ``bot/``: module and function sizes, and the import layers.

Prints the counts and exits non-zero on a violation:
- no module over 400 lines and no function over 60 lines;
- ``bot.core`` imports nothing from ``bot.broadcast``, ``bot.channels``, ``bot.cli`` or
  ``bot.staff``;
- no import cycle between the packages of ``bot`` (imports inside functions count: a
  lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
CORE_MUST_NOT_IMPORT = ("bot.broadcast", "bot.channels", "bot.cli", "bot.staff")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    """``bot.core.features.answer`` → ``bot.core``; top-level modules are their own."""
    parts = module.split(".")
    return ".".join(parts[:2])


def imports_of(tree: ast.AST, module: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module])
            else:
                name = node.module
            if name.startswith("bot"):
                found.add(name)
                found.update(f"{name}.{a.name}" for a in node.names)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first search (small graphs only)."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                key = tuple(sorted(path))
                if key not in seen:
                    seen.add(key)
                    out.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return out


def main() -> int:
    problems: list[str] = []
    long_modules = long_functions = 0
    packages: dict[str, set[str]] = defaultdict(set)
    files = sorted(BOT.rglob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        lines = text.count("\n") + 1
        if lines > MAX_MODULE_LINES:
            long_modules += 1
            problems.append(f"{rel}: {lines} lines (max {MAX_MODULE_LINES})")
        tree = ast.parse(text, str(rel))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions += 1
                    problems.append(
                        f"{rel}:{node.lineno}: {node.name}() is {length} lines"
                        f" (max {MAX_FUNCTION_LINES})"
                    )
        module = module_name(path)
        own = package_of(module)
        for name in imports_of(tree, module):
            target = package_of(name)
            if own == "bot.core" and name.startswith(CORE_MUST_NOT_IMPORT):
                problems.append(f"{rel}: bot.core imports {name}")
            if target != own and target != "bot" and (BOT / target.split(".")[1]).exists():
                packages[own].add(target)
    loops = cycles(packages)
    for loop in loops:
        problems.append("import cycle between packages: " + " → ".join(loop))
    print(
        f"{len(files)} modules; {long_modules} over {MAX_MODULE_LINES} lines;"
        f" {long_functions} functions over {MAX_FUNCTION_LINES} lines;"
        f" {len(loops)} package cycles"
    )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
