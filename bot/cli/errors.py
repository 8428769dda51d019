"""The command line's one error boundary: every failure becomes one line on stderr and
a documented exit code (README, "Exit codes"); ``--debug`` shows the traceback instead."""

from __future__ import annotations

import sys
from typing import TextIO

# Exit codes, as documented in README.md.
OK = 0
FAILED = 1  # a known error: bad content, missing settings, a file that cannot be written
USAGE = 2  # bad arguments, as argparse reports them
INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE): re-run with --debug for the traceback
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
BROKEN_PIPE = 141  # the reader of stdout left, as a shell reports SIGPIPE


class CliError(Exception):
    """A failure the operator can fix; its message is the whole story."""

    code = FAILED


class UsageError(CliError):
    """The arguments do not make sense together (argparse cannot check it)."""

    code = USAGE


def _known(exc: BaseException) -> tuple[int, str] | None:
    """Exit code and message of an error the operator can act on, else None."""
    # Imported here: ``tourbot ask`` must not import the channels or pydantic eagerly.
    from pydantic import ValidationError

    from bot.content.loader import ContentError

    if isinstance(exc, CliError):
        return exc.code, str(exc)
    if isinstance(exc, ContentError):
        first = exc.problems[0] if exc.problems else "content problems"
        more = len(exc.problems) - 1
        tail = f" (+{more} more: run tourbot content check)" if more > 0 else ""
        return FAILED, f"content: {first}{tail}"
    if isinstance(exc, ValidationError):
        fields = ", ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return FAILED, f"settings: {fields}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return FAILED, f"{where}{exc.strerror or exc}"
    if isinstance(exc, ValueError):  # config errors of the channels subclass it
        return FAILED, str(exc)
    return None


def _leaves(exc: BaseException) -> list[BaseException]:
    """The errors inside (nested) exception groups, in order; ``exc`` itself otherwise."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def report(exc: BaseException, err: TextIO | None = None) -> int:
    """Print ``exc`` as one line per distinct failure and return the exit code."""
    err = err or sys.stderr
    leaves = _leaves(exc)
    known = [_known(leaf) for leaf in leaves]
    if all(k is not None for k in known):
        lines = list(dict.fromkeys(k[1] for k in known if k is not None))
        for line in lines:
            print(f"tourbot: error: {line}", file=err)
        return max(k[0] for k in known if k is not None)
    leaf = next(leaf for leaf, k in zip(leaves, known, strict=True) if k is None)
    detail = f": {leaf}" if str(leaf) else ""
    print(
        f"tourbot: error: unexpected {type(leaf).__name__}{detail}"
        " (re-run with --debug for the traceback)",
        file=err,
    )
    return INTERNAL
