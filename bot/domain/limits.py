"""Limits per person (issue 9, item 6): no one client or master may flood the desk, whose group
Telegram lets the bot write to only about 20 times a minute, ahead of everyone else's orders,
SLA alerts and safety stops. Pure rules; the services count and store."""

from __future__ import annotations

from datetime import datetime, time
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
