"""APScheduler wakes the bot when the next deadline is due, and on a safety interval.

The deadline rows are the truth; the scheduler keeps no state worth saving (a MemoryJobStore
with two jobs that carry no arguments), so nothing is pickled and no sync job store touches
the SQLite file. At start it fires whatever fell due while the bot was down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.base import Context
from bot.services.deadlines import BATCH, fire_due, next_due
from bot.services.housekeeping import Retention, sweep

logger = logging.getLogger(__name__)
SWEEP_EVERY = timedelta(hours=6)


class DeadlineClock:
    def __init__(self, ctx: Context, tick_seconds: float,
                 after_fire: Callable[[], None] | None = None,
                 retention: Retention | None = None) -> None:
        self.ctx = ctx
        self.tick = tick_seconds
        self.after_fire = after_fire
        self.retention = retention
        self.scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
            # Never skip a run that is late (APScheduler's default grace would drop it).
            "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        self._lock = asyncio.Lock()
        self._next_wake: datetime | None = None
        self._stopped = False
        self.last_pass: float | None = None  # monotonic time of the last pass that worked
        ctx.on_deadline = self.wake_at

    async def start(self) -> None:
        self._stopped = False
        self.scheduler.start()
        self.scheduler.add_job(self.run, "interval", seconds=self.tick, id="safety")
        if self.retention is not None:  # first a minute after start: the start stays quick
            self.scheduler.add_job(self.housekeeping, "interval",
                                   seconds=SWEEP_EVERY.total_seconds(), id="housekeeping",
                                   next_run_time=datetime.now(UTC) + timedelta(minutes=1))
        await self.run()  # what fell due while we were down fires now

    def alive(self) -> bool:
        """Running, and a pass worked within three ticks (the safety tick runs every tick)."""
        if not self.scheduler.running or self.last_pass is None:
            return False
        return time.monotonic() - self.last_pass <= 3 * self.tick + 5

    async def shutdown(self) -> None:
        """Stop waking; let a pass that is firing finish its transaction first. A pass woken
        just before (waiting for that one) starts nothing: the loop's end would cut it in the
        middle, and what it would fire fires at the next start."""
        self._stopped = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        async with self._lock:  # after the passes already waiting (first come, first served)
            pass

    async def housekeeping(self) -> None:
        assert self.retention is not None
        try:
            await sweep(self.ctx, self.retention)
        except Exception:  # nothing is lost by waiting: the next sweep takes it all
            logger.exception("housekeeping failed")

    def wake_at(self, when: datetime) -> None:
        """Be woken at `when` unless an earlier wake-up is already set."""
        if not self.scheduler.running:
            return
        if self._next_wake is not None and self._next_wake <= when \
                and self._next_wake > datetime.now(UTC):
            return
        self._next_wake = when
        # Several wake-ups may overlap a running pass; the lock queues them, none is skipped.
        self.scheduler.add_job(self.run, "date", run_date=max(when, datetime.now(UTC)),
                               id="wake", replace_existing=True, max_instances=5)

    async def run(self) -> int:
        if self._stopped:
            return 0
        async with self._lock:
            return 0 if self._stopped else await self._pass()

    async def _pass(self) -> int:
        """One pass under the lock: fire what is due, then set the next wake-up."""
        fired = 0
        try:
            while True:
                n = await fire_due(self.ctx)
                fired += n
                if n < BATCH:
                    break
            nxt = await next_due(self.ctx)
        except Exception:  # the rows stay pending; the safety tick tries again
            logger.exception("firing deadlines failed")
            return fired
        if fired:
            logger.info("fired %s deadline(s)", fired)
            if self.after_fire is not None:
                self.after_fire()
        self._next_wake = None
        self.last_pass = time.monotonic()
        if nxt is not None and nxt - datetime.now(UTC) < timedelta(seconds=self.tick):
            self.wake_at(nxt)
        return fired
