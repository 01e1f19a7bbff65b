"""Limits per person (issue 9, item 6): no one client or master may flood the desk, whose group
Telegram lets the bot write to only about 20 times a minute, ahead of everyone else's orders,
SLA alerts and safety stops. Pure rules; the services count and store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import NotAllowed
from bot.domain.states import Status

# Orders still in the desk's or a master's hands. A completed order under a warranty claim
# (disputed) is the desk's to settle and the client cannot end it, so it does not hold him.
OPEN_FOR_CAP = frozenset({Status.SUBMITTED, Status.OFFERED, Status.ASSIGNED, Status.CONTACTED,
                          Status.SCHEDULED, Status.ON_SITE, Status.AWAITING_CONFIRMATION})


def day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """The start of `now`'s day where the service works: "a day" is the client's calendar day,
    so "try again tomorrow" means what it says."""
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(now.tzinfo)


def check_order_quota(open_orders: int, today: int, max_open: int | None,
                      max_per_day: int | None) -> None:
    """NotAllowed when a new order would pass a cap (None: no cap). Orders placed today count
    whatever became of them, or placing and cancelling would get round the daily cap."""
    if max_open is not None and open_orders >= max_open:
        raise NotAllowed("error.open_orders_cap", n=max_open)
    if max_per_day is not None and today >= max_per_day:
        raise NotAllowed("error.daily_orders_cap", n=max_per_day)


@dataclass(frozen=True)
class Pace:
    """A token bucket per person: `burst` messages at once, then `per_minute` a minute.

    Kept as GCRA (the "theoretical arrival time" form of the same bucket), so its whole
    state is one time on the person's row: exact across processes and restarts, one read.
    """

    per_minute: int = 10
    burst: int = 5

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=1) / max(self.per_minute, 1)

    def take(self, tat: datetime | None, now: datetime) -> tuple[datetime, timedelta]:
        """One message at `now`: (the state to store, no wait) when it may go, else (the
        state unchanged, how long until one may go)."""
        tat = max(tat or now, now)
        wait = tat - now - self.interval * (max(self.burst, 1) - 1)
        if wait > timedelta(0):
            return tat, wait
        return tat + self.interval, timedelta(0)
