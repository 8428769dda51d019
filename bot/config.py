"""Settings from the environment or a ``.env`` file (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


def default_db_path() -> Path:
    return PROJECT_DIR / "data" / "tourbot.sqlite3"


class Settings(BaseSettings):
    """Everything the bot reads from its environment; secrets are ``SecretStr`` so they
    never appear in a repr or a log line."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    db: Path = Field(default_factory=default_db_path, alias="TOURBOT_DB")
    content_dir: Path = Field(default=PROJECT_DIR / "content", alias="TOURBOT_CONTENT")
    default_lang: str = Field(default="vi", alias="TOURBOT_DEFAULT_LANG")
    timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="TOURBOT_TZ")
    # After this many minutes of quiet a chat's context (its subject, the options on
    # offer) is forgotten: "how far is it?" the next day should not mean yesterday's place.
    dialogue_ttl_minutes: float = Field(default=60.0, gt=0, alias="TOURBOT_DIALOGUE_TTL_MINUTES")
    staff_ids: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="TOURBOT_STAFF_IDS"
    )

    # Handoff to a person (bot/handoff/): the Telegram staff chat (a supergroup, with forum
    # topics preferably), when staff answer, the wait the office promises, and the quiet
    # period after which the bot answers again.
    staff_chat_id: int | None = Field(default=None, alias="TOURBOT_STAFF_CHAT_ID")
    staff_hours: str = Field(default="08:00-17:00", alias="TOURBOT_STAFF_HOURS")
    staff_days: str = Field(default="mon-fri", alias="TOURBOT_STAFF_DAYS")
    handoff_wait_minutes: int = Field(default=15, gt=0, alias="TOURBOT_HANDOFF_WAIT_MINUTES")
    handoff_quiet_minutes: float = Field(default=30.0, gt=0, alias="TOURBOT_HANDOFF_QUIET_MINUTES")

    telegram_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(
        default="https://api.telegram.org/bot", alias="TOURBOT_TELEGRAM_BASE_URL"
    )
    telegram_webhook_url: str | None = Field(default=None, alias="TOURBOT_TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, alias="TOURBOT_TELEGRAM_WEBHOOK_SECRET"
    )
    webhook_listen: str = Field(default="127.0.0.1", alias="TOURBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="TOURBOT_WEBHOOK_PORT")
    # Limits of every webhook server (Telegram, Zalo Bot, Zalo OA): largest body in bytes,
    # seconds a connection may take per request or stay idle, open connections at most.
    webhook_max_body: int = Field(default=1024 * 1024, gt=0, alias="TOURBOT_WEBHOOK_MAX_BODY")
    webhook_timeout: float = Field(default=10.0, gt=0, alias="TOURBOT_WEBHOOK_TIMEOUT")
    webhook_max_connections: int = Field(default=256, gt=0, alias="TOURBOT_WEBHOOK_MAX_CONNECTIONS")
    # For how long a reply is retried through Bot API time-outs and 5xx before it is dropped.
    reply_retry_seconds: float = Field(default=60.0, ge=0, alias="TOURBOT_REPLY_RETRY_SECONDS")
    # Logged questions (the staff statistics) older than this are deleted; 0 keeps them.
    question_retention_days: int = Field(default=180, ge=0, alias="TOURBOT_QUESTION_RETENTION_DAYS")
    # `tourbot run` answers in a second process, so that the messenger side and the core
    # use two CPU cores (bot/coreproc/); off, everything runs in one process.
    core_process: bool = Field(default=True, alias="TOURBOT_CORE_PROCESS")

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" in the environment; a set when built in code.
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, int):
            return frozenset({str(value)})
        return value

    @property
    def parsed_cache(self) -> Path | None:
        """Where parsed content files are kept between runs (``bot.content.parsed``):
        beside the database; nowhere for an in-memory one."""
        return None if str(self.db) == ":memory:" else self.db.with_name("content-parsed.json")

    @property
    def dialogue_ttl(self) -> float:
        """``dialogue_ttl_minutes`` in seconds."""
        return self.dialogue_ttl_minutes * 60.0
