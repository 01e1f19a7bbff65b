"""Settings, read from the environment and `.env` (pydantic-settings).

Every setting is documented in `.env.example`. `load_settings()` turns a validation error into
one line naming the setting, so an operator never has to read a traceback.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.clock import DeskHours
from bot.domain.deadlines import Timing

LOCALES = ("en", "ru", "pl", "cs", "vi", "zh")
TELEGRAM_API = "https://api.telegram.org"


class ConfigError(Exception):
    """A setting is missing or invalid; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str
    telegram_api_base: str = TELEGRAM_API
    desk_chat_id: int
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    database_url: str = "sqlite+aiosqlite:///./data/masterdesk.sqlite3"
    redis_url: str | None = None
    default_locale: str = "en"
    desk_locale: str | None = None
    timezone: str = "UTC"
    currency: str = "RUB"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0:8080"
    urgent_surcharge_percent: int = Field(default=30, ge=0, le=500)
    max_code_attempts: int = Field(default=5, ge=1, le=20)
    # A rejected applicant may apply again only this long after the decision; 0: at once.
    reapply_cooldown_hours: float = Field(default=24, ge=0, le=24 * 365)
    desk_hours_start: time = time(8, 0)
    desk_hours_end: time = time(21, 0)
    outbox_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # The clock (SPEC §4). Durations in minutes/hours; fractions are allowed.
    triage_minutes: float = Field(default=30, gt=0)
    offer_minutes: float = Field(default=15, gt=0)
    callback_reminder_minutes: float = Field(default=90, gt=0)
    callback_minutes: float = Field(default=120, gt=0)
    callback_desk_hours: bool = False
    visit_reminder_minutes: float = Field(default=60, gt=0)
    arrival_grace_minutes: float = Field(default=60, gt=0)
    completion_hours: float = Field(default=48, gt=0)
    confirmation_hours: float = Field(default=24, gt=0)
    review_hours: float = Field(default=2, gt=0)
    clock_tick_seconds: float = Field(default=30, gt=0, le=3600)
    # Matching [R §4]: the city's districts, comma-separated; empty: one area, served by all.
    districts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"

    @field_validator("redis_url", "desk_locale", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("bot_token")
    @classmethod
    def _token(cls, v: str) -> str:
        v = v.strip()
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", v):
            raise ValueError("must look like 123456789:AAE... (the token BotFather gave you)")
        return v

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [p for p in re.split(r"[,\s]+", v.strip()) if p]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return v

    @field_validator("districts", mode="before")
    @classmethod
    def _districts(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [" ".join(p.split()) for p in v.split(",")]
            names = [p for p in parts if p]
            if any(len(p) > 40 for p in names):
                raise ValueError("each district name must be at most 40 characters")
            if len(set(names)) != len(names):
                raise ValueError("a district is named twice")
            if len(names) > 30:
                raise ValueError("at most 30 districts")
            return names
        return v

    @field_validator("default_locale", "desk_locale")
    @classmethod
    def _locale(cls, v: str | None) -> str | None:
        if v is not None and v not in LOCALES:
            raise ValueError(f"must be one of {', '.join(LOCALES)}")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from None
        return v

    @field_validator("telegram_api_base", "webhook_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v and not re.match(r"https?://", v):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/") if v else v

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return v

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        if not re.fullmatch(r"[^:\s]+:\d{1,5}", v):
            raise ValueError("must be host:port, e.g. 0.0.0.0:8080")
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def timing(self) -> Timing:
        return Timing(
            desk=DeskHours(self.desk_hours_start, self.desk_hours_end, self.tz),
            triage=timedelta(minutes=self.triage_minutes),
            offer=timedelta(minutes=self.offer_minutes),
            callback_reminder=timedelta(minutes=self.callback_reminder_minutes),
            callback=timedelta(minutes=self.callback_minutes),
            callback_desk_hours=self.callback_desk_hours,
            visit_reminder=timedelta(minutes=self.visit_reminder_minutes),
            arrival_grace=timedelta(minutes=self.arrival_grace_minutes),
            completion=timedelta(hours=self.completion_hours),
            confirmation=timedelta(hours=self.confirmation_hours),
            review=timedelta(hours=self.review_hours),
        )

    @property
    def desk_language(self) -> str:
        return self.desk_locale or self.default_locale


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        if err["type"] == "missing":
            raise ConfigError(f"{name} is not set: add it to the environment or .env "
                              f"(see .env.example)") from None
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {msg}") from None
