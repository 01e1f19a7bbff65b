"""The desk board's figures of a period and its masters' register (issue 15). Read-only,
desk members only."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.rules import Actor, desk_only
from bot.domain.states import Status
from bot.domain.views import MasterView
from bot.services.base import Context
from bot.services.board import OPEN
from bot.services.figures import SLA_BREACHES
from bot.services.views import master_views
from db import board, board_figures
from db import masters as master_rows

MASTERS_LIMIT = 500
MISSES = ("deadline:callback", "deadline:arrival", "deadline:completion")  # his discipline
MAX_DAYS = 366  # the longest period the board draws


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    tz: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), self.tz)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), self.tz)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def period(first: date | None, last: date | None, today: date, tz: ZoneInfo,
           default_days: int = 30) -> Period:
    """The period asked for, put right: the last `default_days` days when not given, the
    ends swapped when reversed, at most MAX_DAYS long."""
    last = last or today
    first = first or last - timedelta(days=default_days - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    return Period(first, last, tz)


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None  # minutes
    p90: float | None


def spread(minutes: list[float]) -> Spread:
    """Median and 90th percentile (nearest rank) of the waits."""
    if not minutes:
        return Spread(0, None, None)
    values = sorted(minutes)

    def rank(p: float) -> float:
        return values[max(0, math.ceil(p * len(values)) - 1)]

    return Spread(len(values), rank(0.5), rank(0.9))


@dataclass(frozen=True)
class Figures:
    period: Period
    per_day: dict[date, dict[str, int]]  # orders placed that day, by their state now
    to_assign: Spread
    to_complete: Spread
    breaches: dict[str, int]  # by clock: triage, callback, arrival, completion
    ratings: list[tuple[str, float, int]]  # service, average stars, reviews
    cancellations: dict[str, int]  # by reason code


def _minutes(pairs: list[tuple[datetime, datetime]]) -> list[float]:
    return [(b - a).total_seconds() / 60 for a, b in pairs if b >= a]


async def figures_of(ctx: Context, actor: Actor, p: Period) -> Figures:
    desk_only(actor)
    async with ctx.read() as s:
        placed = await board_figures.placed(s, p.since, p.until)
        assigned = await board_figures.assigned(s, p.since, p.until)
        completed = await board_figures.completed(s, p.since, p.until)
        breaches = await board_figures.actions(s, SLA_BREACHES, p.since, p.until)
        ratings = await board_figures.ratings(s, p.since, p.until)
        cancellations = await board_figures.cancellations(s, p.since, p.until)
    per_day: dict[date, dict[str, int]] = {d: {} for d in p.days}
    for at, status in placed:
        day = per_day.setdefault(at.astimezone(p.tz).date(), {})
        day[status] = day.get(status, 0) + 1
    return Figures(p, per_day, spread(_minutes(assigned)), spread(_minutes(completed)),
                   {a.removeprefix("deadline:"): n for a, n in breaches.items()}, ratings,
                   cancellations)


@dataclass(frozen=True)
class MasterLine:
    master: MasterView
    load: int  # orders open with him now
    done: int  # orders he completed
    ratings: dict[str, tuple[float, int]]  # per service: average stars, reviews
    misses: dict[str, int]  # callback / arrival / completion clocks he let fire


@dataclass(frozen=True)
class MastersPage:
    lines: list[MasterLine]
    queue: list[MasterView]  # applicants waiting for verification, oldest first


async def masters_of(ctx: Context, actor: Actor, limit: int = MASTERS_LIMIT) -> MastersPage:
    desk_only(actor)
    open_states = [st.value for st in OPEN if st is not Status.SUBMITTED]
    async with ctx.read() as s:
        views = await master_views(s, await board.masters(s, limit))
        queue = await master_views(s, await master_rows.pending(s, limit))
        load = await board.per_master(s, open_states)
        done = await board.per_master(s, [Status.COMPLETED.value])
        ratings = await board.ratings(s)
        misses = await board.discipline(s, MISSES)
    lines = [MasterLine(m, load.get(m.id, 0), done.get(m.id, 0), ratings.get(m.id, {}),
                        {a.removeprefix("deadline:"): n for a, n in misses.get(m.id, {}).items()})
             for m in views]
    return MastersPage(lines, queue)
