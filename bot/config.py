"""Settings, read from the environment and `.env` (pydantic-settings).

Every setting is documented in `.env.example`. `load_settings()` turns a validation error into
one line naming the setting, so an operator never has to read a traceback.
"""

from __future__ import annotations

import re
import secrets
from datetime import time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies
from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config_board import BoardSettings
from bot.domain.clock import DeskHours
from bot.domain.deadlines import Timing
from bot.domain.money import Currency, currency
from bot.domain.routes import Desks, Route, check_routes, parse_routes

LOCALES = ("en", "ru", "pl", "cs", "vi", "zh")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TELEGRAM_API = "https://api.telegram.org"


class ConfigError(Exception):
    """A setting is missing or invalid; the message names it."""


class Settings(BoardSettings, BaseSettings):
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
    # The most one price, in whole units of CURRENCY; empty: per currency (bot/domain/money.py).
    max_price: int | None = Field(default=None, ge=1, le=10**15)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # Loopback by default: a reverse proxy with TLS in front is the documented way to expose it.
    webhook_listen: str = "127.0.0.1:8080"
    # /healthz and /metrics on their own listener (polling mode); empty: off. Keep to loopback.
    metrics_listen: str | None = None
    urgent_surcharge_percent: int = Field(default=30, ge=0, le=500)
    max_code_attempts: int = Field(default=5, ge=1, le=20)
    # Keys the confirmation codes' hashes; empty: generated once into the data folder.
    code_secret: str | None = None
    # Limits per person, so one client cannot flood the desk (issue 9).
    max_open_orders: int = Field(default=5, ge=1, le=1000)
    max_orders_per_day: int = Field(default=10, ge=1, le=10000)
    # Writing to the desk: a burst, then this many a minute, per person (the group takes ~20).
    relay_per_minute: int = Field(default=10, ge=1, le=600)
    relay_burst: int = Field(default=5, ge=1, le=100)
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
    # Housekeeping: conversations untouched this long are forgotten; delivered outbox rows
    # are removed after this long (the audit log is kept).
    fsm_ttl_days: int = Field(default=30, ge=1)
    outbox_keep_days: int = Field(default=14, ge=1)
    # Matching [R §4]: the city's districts, comma-separated; empty: one area, served by all.
    districts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Several desk groups: new orders routed by district or service (bot/domain/routes.py).
    desk_routes: Annotated[tuple[Route, ...], NoDecode, BeforeValidator(parse_routes)] = ()
    log_level: str = "INFO"
    # What a master's tax id must look like (a regular expression over the id without spaces
    # and dashes, letters upper-case) and the example shown; empty: each language's own
    # (bot/domain/masters.py TAX_IDS: ИНН, NIP, IČO/DIČ, MST, 统一社会信用代码).
    tax_id_pattern: str | None = None
    tax_id_example: str | None = None

    @field_validator("redis_url", "desk_locale", "webhook_url", "webhook_secret", "code_secret",
                     "max_price", "tax_id_pattern", "tax_id_example", "metrics_listen",
                     mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        code = v.strip().upper()
        if code not in list_currencies():  # CLDR's codes: its digits decide the minor units
            raise ValueError("must be an ISO 4217 currency code, e.g. RUB, PLN, CZK, VND, EUR")
        return code

    @property
    def money(self) -> Currency:
        return currency(self.currency, self.max_price)

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, v: str | None) -> str | None:
        # Telegram allows 1-256 of A-Z a-z 0-9 _ -; fewer than 16 could be guessed.
        if v is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", v):
            raise ValueError("must be 16 to 256 characters of A-Z a-z 0-9 _ - "
                             f"(e.g. {secrets.token_urlsafe(32)})")
        return v

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        # Without it anyone who reaches the port could post updates as any user, desk included.
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "WEBHOOK_SECRET is not set: webhook mode needs it, or anyone who reaches the "
                f"port can act as any user (e.g. WEBHOOK_SECRET={secrets.token_urlsafe(32)})")
        return self

    @model_validator(mode="after")
    def _routes_known(self) -> Settings:
        check_routes(self.desk_routes, self.districts)  # its message names DESK_ROUTES
        return self

    @field_validator("tax_id_pattern")
    @classmethod
    def _tax_id_pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"is not a regular expression: {exc}") from None
        return v

    @field_validator("bot_token")
    @classmethod
    def _token(cls, v: str) -> str:
        v = v.strip()
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", v):
            raise ValueError("must look like 123456789:AAE... (the token BotFather gave you)")
        return v

    @field_validator("code_secret")
    @classmethod
    def _code_secret(cls, v: str | None) -> str | None:
        if v is not None and len(v.strip()) < 16:
            raise ValueError("must be at least 16 characters (32 random ones are best)")
        return v.strip() if v else v

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

    @field_validator("webhook_listen", "metrics_listen")  # METRICS_LISTEN empty: off
    @classmethod
    def _listen(cls, v: str | None) -> str | None:
        if v is None:
            return v
        m = re.fullmatch(r"[^:\s]+:(\d{1,5})", v)
        if not m:
            raise ValueError("must be host:port, e.g. 127.0.0.1:8080")
        if not 1 <= int(m.group(1)) <= 65535:
            raise ValueError(f"port {m.group(1)} is out of range: use 1 to 65535")
        return v

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, v: str) -> str:
        if v.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return v.strip().upper()

    @field_validator("desk_chat_id", mode="before")
    @classmethod
    def _desk_chat(cls, v: object) -> object:
        # A forum supergroup's id is -100 followed by the group's own number.
        text = str(v).strip()
        if not re.fullmatch(r"-100\d{7,}", text):
            raise ValueError("must be the desk supergroup's id: -100 followed by digits, e.g. "
                             "-1001234567890 (see README: Setting up Telegram)")
        return int(text)

    @field_validator("desk_hours_start", "desk_hours_end", mode="before")
    @classmethod
    def _hhmm(cls, v: object) -> object:
        if isinstance(v, str):
            m = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", v)
            if not m:
                raise ValueError("must be a time as HH:MM, e.g. 08:00")
            return time(int(m.group(1)), int(m.group(2)))
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

    @property
    def desks(self) -> Desks:
        return Desks(self.desk_chat_id, self.desk_routes)


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
        if not err["loc"]:  # a rule across settings names them itself
            raise ConfigError(msg) from None
        raise ConfigError(f"{name} is invalid: {msg}") from None
