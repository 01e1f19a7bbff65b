"""Prometheus metrics: counted in memory per update, read from the tables only at scrape time.

Each App has its own CollectorRegistry (never the global one), so tests can build several apps
in one process. An update costs two counter increments and a histogram observation; the
outbox and deadline figures are queried only when /metrics is scraped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.services.base import Context
from db import deadlines, outbox

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
LATE_SECONDS = 60  # a deadline that fired more than a tick late: the bot was down or stalled


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.updates = Counter("masterdesk_updates", "Updates handled, by type", ["type"],
                               registry=r)
        self.failed = Counter("masterdesk_updates_failed",
                              "Updates whose handling failed unexpectedly, by type", ["type"],
                              registry=r)
        self.latency = Histogram("masterdesk_update_seconds", "Time to handle one update",
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30),
                                 registry=r)
        self.last_update = Gauge("masterdesk_last_update_timestamp_seconds",
                                 "When the last update arrived (Unix time)", registry=r)
        self.retry_after = Counter("masterdesk_telegram_429",
                                   "429 Too Many Requests answers from the Bot API", registry=r)
        self.database_up = Gauge("masterdesk_database_up",
                                 "1 if the last scrape could read the database", registry=r)
        self.outbox_backlog = Gauge("masterdesk_outbox_backlog",
                                    "Outbox rows waiting to be sent, by kind", ["kind"],
                                    registry=r)
        self.outbox_oldest = Gauge("masterdesk_outbox_oldest_seconds",
                                   "Age of the oldest outbox row waiting to be sent, by kind",
                                   ["kind"], registry=r)
        self.outbox_failed = Gauge("masterdesk_outbox_failed",
                                   "Outbox rows given up (never delivered), by kind", ["kind"],
                                   registry=r)
        self.deadlines = Gauge("masterdesk_deadlines", "Deadline rows, by state and kind",
                               ["state", "kind"], registry=r)
        self.deadlines_late = Gauge(
            "masterdesk_deadlines_late",
            f"Deadlines that fired more than {LATE_SECONDS} s after they were due, by kind",
            ["kind"], registry=r)
        self.last_update_at: datetime | None = None
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def started(self) -> float:
        self.in_flight += 1
        self._idle.clear()
        self.last_update_at = datetime.now(UTC)
        self.last_update.set(self.last_update_at.timestamp())
        return time.perf_counter()

    def finished(self, kind: str, began: float, failed: bool) -> None:
        self.latency.observe(time.perf_counter() - began)
        self.updates.labels(kind).inc()
        if failed:
            self.failed.labels(kind).inc()
        self.in_flight -= 1
        if self.in_flight == 0:
            self._idle.set()

    async def idle(self, timeout: float) -> bool:
        """Wait until no update is being handled; False if some still were after `timeout`."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def refresh(self, ctx: Context) -> None:
        """Read the outbox and deadline figures from the tables (at scrape time only)."""
        now = ctx.clock()
        async with ctx.read() as s:
            unsent = await outbox.unsent_by_kind(s)
            planned = await deadlines.by_state_and_kind(s)
            late = await deadlines.fired_late_by_kind(s, LATE_SECONDS)
        # No await from here on: a scrape never sees the gauges half refreshed.
        for gauge in (self.outbox_backlog, self.outbox_oldest, self.outbox_failed,
                      self.deadlines, self.deadlines_late):
            gauge.clear()
        for status, kind, count, oldest in unsent:
            if status == "pending":
                self.outbox_backlog.labels(kind).set(count)
                self.outbox_oldest.labels(kind).set(max(0.0, (now - oldest).total_seconds()))
            else:
                self.outbox_failed.labels(kind).set(count)
        for state, kind, count in planned:
            self.deadlines.labels(state, kind).set(count)
        for kind, count in late:
            self.deadlines_late.labels(kind).set(count)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class UpdateMeter(BaseMiddleware):
    """The outermost of our middlewares: counts every update, its time and its failure, and
    knows how many are in hand (a stop waits for them)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        began = self.metrics.started()
        # ReportErrors (inside) answers a failed handler politely and flags it here.
        data["update_failure"] = flag = Failure()
        try:
            result = await handler(event, data)
        except BaseException:
            flag.failed = True
            raise
        finally:
            self.metrics.finished(kind, began, flag.failed)
        return result


class Failure:
    """Set by the error middleware when it swallowed an unexpected failure."""

    failed = False


class CountRetryAfter(BaseRequestMiddleware):
    """Registered inside the Throttle, so it sees every 429, also those waited out inline."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.retry_after.inc()
            raise
