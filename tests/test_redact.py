"""The start-up logging filter: the last line of defence against tokens in log lines."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.channels.zalo_common import ZaloSettings
from bot.cli import main
from bot.redact import MASK, install_redaction, redact
from tests.conftest import make_settings

TELEGRAM = "7012345678:AAHk3-Zx_9fakeTelegramTokenValue12345"
ZALO_BOT = "1234567890123:zaloAccessTokenValue-abc"
OA_KEY = "oaSecretKeyValue987"


@pytest.fixture
def logger() -> logging.Logger:
    log = logging.getLogger("tests.redact")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    return log


def test_filter_masks_messages_args_and_tracebacks(tmp_path: Path, logger: logging.Logger) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        settings = make_settings(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM)
        zalo = ZaloSettings(
            _env_file=None,  # type: ignore[call-arg]
            TOURBOT_ZALO_BOT_TOKEN=ZALO_BOT,
            TOURBOT_ZALO_OA_SECRET_KEY=OA_KEY,
        )
        install_redaction(settings, zalo, logger=logger)
        logger.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{TELEGRAM}")
        logger.warning(
            "zalo: %s and key %s", f"https://bot-api.zaloplatforms.com/bot{ZALO_BOT}/x", OA_KEY
        )
        try:
            try:
                raise ValueError(f"url='http://h/bot{TELEGRAM}/getUpdates'")
            except ValueError as exc:
                raise RuntimeError("wrapped") from exc
        except RuntimeError:
            logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    for secret in (TELEGRAM, TELEGRAM.split(":")[1], ZALO_BOT, ZALO_BOT.split(":")[1], OA_KEY):
        assert secret not in out
    assert out.count(MASK) == 4
    assert "polling failed" in out and "ValueError" in out  # masked, not dropped


def test_redact_masks_url_tokens_without_knowing_them() -> None:
    assert redact("GET http://127.0.0.1:8/bot123456:TEST-fake-token/getMe") == (
        f"GET http://127.0.0.1:8/bot{MASK}/getMe"
    )
    assert redact("https://x/bot123%3Aabc-DEF/sendMessage") == f"https://x/bot{MASK}/sendMessage"
    assert redact("the botanic garden at /botanic/1") == "the botanic garden at /botanic/1"


def test_cli_installs_the_filter_at_start_up(tmp_path: Path) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)  # basicConfig does nothing when the root has handlers
    try:
        main(["--db", str(tmp_path / "db.sqlite3"), "lunar", "2026-02-17"])
        assert any(type(f).__name__ == "RedactingFilter" for f in handler.filters)
    finally:
        root.removeHandler(handler)
