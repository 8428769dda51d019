"""``tourbot chat`` as a person meets it: a welcome first, and Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.config import PROJECT_DIR


def _chat(tmp_path: Path, lang: str = "vi") -> subprocess.Popen[bytes]:
    tmp_path.mkdir(exist_ok=True)
    env = {**os.environ, "TOURBOT_DEFAULT_LANG": lang, "PYTHONPATH": str(PROJECT_DIR)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "chat.sqlite3"), "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,  # no stray .env
        env=env,
    )


def test_a_welcome_before_the_first_prompt_in_the_default_language(tmp_path: Path) -> None:
    for lang, hello, hint in [
        ("vi", "Xin chào!", "Hãy gõ câu hỏi"),
        ("en", "Hello!", "Type a question"),
    ]:
        with _chat(tmp_path / lang, lang) as chat:
            out, _err = chat.communicate(b"/quit\n", timeout=60)
        before_prompt = out.decode().split("\n> ", 1)[0]
        assert before_prompt.startswith(hello)
        assert hint in before_prompt.splitlines()[-1]


def test_ctrl_c_ends_with_130_and_no_traceback(tmp_path: Path) -> None:
    with _chat(tmp_path) as chat:
        assert chat.stdout is not None and chat.stderr is not None
        seen = b""
        deadline = time.monotonic() + 60
        while not seen.endswith(b"> ") and time.monotonic() < deadline:
            seen += os.read(chat.stdout.fileno(), 4096)
        assert seen.endswith(b"> ")  # waiting for a line on stdin, which stays open
        chat.send_signal(signal.SIGINT)
        try:
            code = chat.wait(timeout=20)  # a read blocked on stdin must not hold it
        finally:
            chat.kill()
        err = chat.stderr.read()
    assert code == 130
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
