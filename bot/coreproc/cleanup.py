"""Core processes still running when the program exits are killed, not waited for."""

from __future__ import annotations

import atexit
import weakref
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


children: weakref.WeakSet[BaseProcess] = weakref.WeakSet()


@atexit.register
def _kill_children() -> None:
    """A program that exits without ``close()``: the child ignores SIGTERM (see
    ``_child_main``), so multiprocessing's own clean-up, which runs after this one
    (registered earlier), would wait for it; its answers have nowhere to go anyway."""
    for process in list(children):
        if process.is_alive():
            process.kill()
            process.join(5)
