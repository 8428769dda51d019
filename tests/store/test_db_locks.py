"""Opening the database twice in one process must keep its locks: otherwise another
process closing its connection takes itself for the last one and deletes the write-ahead
log this process still writes to, and those writes vanish for everyone else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.store.db import connect

READ = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); {body}; c.close()"


def other_process(path: Path, body: str) -> str:
    code = READ.format(body=body)
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


async def test_writes_stay_visible_after_another_process_closes(tmp_path: Path) -> None:
    path = tmp_path / "locks.sqlite3"
    first = await connect(path)
    await first.write("CREATE TABLE probe (n INTEGER)")
    await first.write("INSERT INTO probe VALUES (1)")
    second = await connect(path)  # as `tourbot run` opens the chat's, then the outbox's
    try:
        other_process(path, "c.execute('SELECT COUNT(*) FROM probe').fetchall()")  # a CLI, say
        await first.write("INSERT INTO probe VALUES (2)")
        await second.write("INSERT INTO probe VALUES (3)")
        seen = other_process(path, "print(c.execute('SELECT COUNT(*) FROM probe').fetchone()[0])")
        assert seen == "3"
    finally:
        await first.close()
        await second.close()
