"""An order's clocks: the deadlines each step starts and ends, planned in the step's own
transaction; held while a job is stopped; moved by an approved extension. The rows are
written by db/deadlines.py only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import resume
from bot.domain.deadlines import ONCE, STARTS, Kind, Sla, due_at, kinds_to_cancel, warranty_ends_at
from bot.domain.states import Status
from bot.events import OrderTitleChanged, To
from bot.services.base import Context, enqueue
from db import deadlines
from db.models import Order


def _told(ctx: Context, due: datetime) -> None:
    if ctx.on_deadline is not None:
        ctx.on_deadline(due)


async def plan(ctx: Context, s: AsyncSession, order: Order, now: datetime, *,
               new: bool = False) -> None:
    """The order has just entered `order.status`: deadlines that no longer apply are met or
    void (cancelled), and the ones this step starts are created. Runs inside the transition's
    own transaction, so a step and its clocks commit together. `new`: the order was created in
    this transaction, so it has no deadlines yet to look up or cancel."""
    status = Status(order.status)
    starts = STARTS.get(status, ())
    once = [k.value for k in starts if k in ONCE]
    if not new:
        with s.no_autoflush:  # new rows go in together at commit, not one flush per step
            if once:  # planned before (pending, fired or met): not again
                had = await deadlines.planned(s, order.id, once)
                starts = tuple(k for k in starts if k.value not in had)
            await deadlines.cancel(s, [order.id],
                                   [k.value for k in (*kinds_to_cancel(status), *starts)])
    for kind in starts:
        due = due_at(kind, now, ctx.policy.timing, order.visit_at, warranty_ends_at(
            order.reported_at, order.warranty_months, ctx.policy.timing.desk.tz))
        if due is not None:
            add(ctx, s, order.id, kind, due, now)
    if order.sla_state != Sla.OK:  # a new step: its clock starts on time
        order.sla_state, order.sla_kind, order.sla_due_at = Sla.OK, None, None
        if order.topic_id is not None:
            enqueue(s, now, OrderTitleChanged(), to=To.desk(order.id))


def add(ctx: Context, s: AsyncSession, order_id: int, kind: Kind, due: datetime,
        now: datetime) -> None:
    """A deadline outside the step table (the rework the desk granted)."""
    deadlines.add(s, order_id, kind.value, due, now)
    _told(ctx, due)


async def cancel(s: AsyncSession, order_ids: Iterable[int], kinds: Iterable[Kind]) -> None:
    """These clocks are met (the review is in, the rework done) or void (the person erased)."""
    await deadlines.cancel(s, order_ids, [k.value for k in kinds])


async def move_deadline(ctx: Context, s: AsyncSession, order_id: int, kind: Kind,
                        new_due: datetime) -> bool:
    """Move a pending deadline (an approved extension moves the completion deadline [C 4(1)]).
    False when there is none pending to move."""
    moved = await deadlines.move(s, order_id, kind.value, new_due)
    if moved:
        _told(ctx, new_due)
    return moved


async def pause_clocks(s: AsyncSession, order_id: int, now: datetime) -> None:
    """Hold an order's clocks (a stopped job): pending deadlines stop counting."""
    await deadlines.pause(s, order_id, now)


async def resume_clocks(ctx: Context, s: AsyncSession, order_id: int, now: datetime) -> None:
    """Release the hold: each deadline moves later by the time it was held."""
    for d in await deadlines.held(s, order_id):
        assert d.paused_at is not None
        d.due_at, d.paused_at = resume(d.due_at, d.paused_at, now), None
        _told(ctx, d.due_at)
