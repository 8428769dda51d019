"""Knobs of the outbox sender and the event reminders (environment or ``.env``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BroadcastSettings(BaseSettings):
    """Defaults suit Telegram's bulk limit (~30 msg/s overall, ~1 msg/s per chat) with
    headroom; tests and the benchmark pass their own values by field name."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    rate: float = Field(default=25.0, gt=0, alias="TOURBOT_BROADCAST_RATE")
    chat_interval: float = Field(default=1.0, ge=0, alias="TOURBOT_BROADCAST_CHAT_INTERVAL")
    concurrency: int = Field(default=32, ge=1, alias="TOURBOT_BROADCAST_CONCURRENCY")
    max_attempts: int = Field(default=5, ge=1, alias="TOURBOT_BROADCAST_MAX_ATTEMPTS")
    backoff: float = Field(default=2.0, ge=0, alias="TOURBOT_BROADCAST_BACKOFF")
    send_timeout: float = Field(default=10.0, gt=0, alias="TOURBOT_BROADCAST_SEND_TIMEOUT")
    # How often the database is asked for due announcements and rows to send.
    poll_interval: float = Field(default=1.0, gt=0, alias="TOURBOT_BROADCAST_POLL_INTERVAL")
    # A worker silent this long is presumed dead and its leased rows are claimed again.
    lease_timeout: float = Field(default=15.0, gt=0, alias="TOURBOT_BROADCAST_LEASE_TIMEOUT")
    flush_interval: float = Field(default=0.2, gt=0, alias="TOURBOT_BROADCAST_FLUSH_INTERVAL")
    reminder_days: int = Field(default=1, ge=0, alias="TOURBOT_REMINDER_DAYS")
    reminder_hour: int = Field(default=9, ge=0, le=23, alias="TOURBOT_REMINDER_HOUR")
    reminder_check_interval: float = Field(default=60.0, gt=0, alias="TOURBOT_REMINDER_CHECK")
