"""The clock's use cases: plan an order's deadlines on each step, fire the due ones exactly
once, pause and resume, and the desk's SLA board."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import lateness, resume
from bot.domain.deadlines import SLA_WHEN_FIRED, STARTS, Kind, Sla, due_at, kinds_to_cancel
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import Action, Role, Status, can
from bot.domain.views import OrderView
from bot.services.base import Context, audit, enqueue
from bot.services.views import order_view
from db.models import Deadline, Master, Order

logger = logging.getLogger(__name__)
BATCH = 500
TERMINAL = (Status.REJECTED, Status.CANCELLED)


async def plan(ctx: Context, s: AsyncSession, order: Order, now: datetime) -> None:
    """The order has just entered `order.status`: deadlines that no longer apply are met or
    void (cancelled), and the ones this step starts are created. Runs inside the transition's
    own transaction, so a step and its clocks commit together."""
    status = Status(order.status)
    starts = STARTS.get(status, ())
    await s.execute(
        update(Deadline)
        .where(Deadline.order_id == order.id, Deadline.state == "pending",
               Deadline.kind.in_([k.value for k in (*kinds_to_cancel(status), *starts)]))
        .values(state="cancelled"))
    for kind in starts:
        due = due_at(kind, now, ctx.policy.timing, order.visit_at)
        if due is None:
            continue
        s.add(Deadline(order_id=order.id, kind=kind, due_at=due, created_at=now))
        if ctx.on_deadline is not None:
            ctx.on_deadline(due)
    if order.sla_state != Sla.OK:  # a new step: its clock starts on time
        order.sla_state, order.sla_kind, order.sla_due_at = Sla.OK, None, None
        if order.topic_id is not None:
            enqueue(s, now, "order_title", order_id=order.id)


async def fire_due(ctx: Context, limit: int = BATCH) -> int:
    """Fire up to `limit` due deadlines; returns how many. Claiming (pending → fired) and the
    effects commit in one transaction, so a deadline fires once even with several processes;
    one that fell due while the bot was down fires now and is marked late."""
    now = ctx.clock()
    async with ctx.tx() as s:
        pick = (select(Deadline.id)
                .where(Deadline.state == "pending", Deadline.paused_at.is_(None),
                       Deadline.due_at <= now)
                .order_by(Deadline.due_at, Deadline.id).limit(limit))
        if s.bind.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        claimed = (await s.execute(
            update(Deadline)
            .where(Deadline.id.in_(pick.scalar_subquery()), Deadline.state == "pending")
            .values(state="fired", fired_at=now)
            .returning(Deadline.id, Deadline.order_id, Deadline.kind, Deadline.due_at)
        )).all()
        if not claimed:
            return 0
        orders = {o.id: o for o in (await s.scalars(
            select(Order).where(Order.id.in_({c.order_id for c in claimed})))).all()}
        for row in claimed:
            late = lateness(row.due_at, now)
            try:
                async with s.begin_nested():
                    await _fire(ctx, s, orders[row.order_id], Kind(row.kind), row.due_at, now,
                                int(late.total_seconds()))
                    await s.execute(update(Deadline).where(Deadline.id == row.id)
                                    .values(late_seconds=int(late.total_seconds())))
            except Exception:  # one bad row must not hold back the others
                logger.exception("deadline %s (%s) failed to fire", row.id, row.kind)
        return len(claimed)


async def next_due(ctx: Context) -> datetime | None:
    async with ctx.tx() as s:
        return await s.scalar(
            select(Deadline.due_at)
            .where(Deadline.state == "pending", Deadline.paused_at.is_(None))
            .order_by(Deadline.due_at).limit(1))


async def _fire(ctx: Context, s: AsyncSession, order: Order, kind: Kind, due: datetime,
                now: datetime, late: int) -> None:
    master_uid = await s.scalar(select(Master.user_id).where(Master.id == order.master_id)) \
        if order.master_id else None
    t = ctx.policy.timing
    # The promise a reminder is about: the call itself, the visit itself.
    deadline = {Kind.CALLBACK_REMINDER: due + (t.callback - t.callback_reminder),
                Kind.VISIT_REMINDER: order.visit_at or due}.get(kind, due)
    common = {"kind": kind.value, "due": due.isoformat(), "late": late,
              "deadline": deadline.isoformat()}
    audit(s, now, actor_id=None, role=Role.SYSTEM, action=f"deadline:{kind.value}",
          order_id=order.id, reason=f"late {late}s")
    if kind is Kind.OFFER:
        await _expire_offer(ctx, s, order, now, common)
        return
    sla = SLA_WHEN_FIRED.get(kind)
    if sla is not None and (order.sla_state != Sla.BREACH or sla is Sla.BREACH):
        order.sla_state, order.sla_kind, order.sla_due_at = sla, kind.value, due
        if order.topic_id is not None:
            enqueue(s, now, "order_title", order_id=order.id)
    desk = ctx.policy.timing.desk
    if sla is Sla.BREACH:
        enqueue(s, now, "desk_sla", order_id=order.id, **common)
    elif sla is Sla.RISK:  # not a breach: the desk hears of it when the desk is open
        enqueue(s, now, "desk_sla", order_id=order.id, not_before=desk.next_opening(now),
                **common)
    if master_uid is not None and kind in (Kind.CALLBACK_REMINDER, Kind.CALLBACK,
                                           Kind.VISIT_REMINDER, Kind.COMPLETION):
        enqueue(s, now, "master_sla", chat_id=master_uid, order_id=order.id, **common)
    if kind in (Kind.VISIT_REMINDER, Kind.ARRIVAL, Kind.CONFIRMATION):
        enqueue(s, now, "client_sla", chat_id=order.client_id, order_id=order.id, **common)


async def _expire_offer(ctx: Context, s: AsyncSession, order: Order, now: datetime,
                        common: dict[str, object]) -> None:
    """The offer ran out: the order goes back to the desk, the master is told."""
    from bot.services.common import cas_status, close_pending_offers

    if order.status != Status.OFFERED or not can(Status.OFFERED, Action.EXPIRE, Role.SYSTEM):
        return
    master_id = order.offered_master_id
    await cas_status(ctx, s, order, Status.SUBMITTED, now, offered_master_id=None)
    await close_pending_offers(s, order.id, "expired", now)
    audit(s, now, actor_id=None, role=Role.SYSTEM, action=Action.EXPIRE, order_id=order.id,
          master_id=master_id, from_status=Status.OFFERED, to_status=Status.SUBMITTED)
    uid = await s.scalar(select(Master.user_id).where(Master.id == master_id))
    if uid is not None:
        enqueue(s, now, "master_sla", chat_id=uid, order_id=order.id, **common)
    enqueue(s, now, "desk_sla", order_id=order.id, **common)
    enqueue(s, now, "order_card", order_id=order.id)


async def pause_clocks(s: AsyncSession, order_id: int, now: datetime) -> None:
    """Hold an order's clocks (a stopped job): pending deadlines stop counting."""
    await s.execute(update(Deadline)
                    .where(Deadline.order_id == order_id, Deadline.state == "pending",
                           Deadline.paused_at.is_(None))
                    .values(paused_at=now))


async def resume_clocks(ctx: Context, s: AsyncSession, order_id: int, now: datetime) -> None:
    """Release the hold: each deadline moves later by the time it was held."""
    held = (await s.scalars(select(Deadline).where(
        Deadline.order_id == order_id, Deadline.state == "pending",
        Deadline.paused_at.is_not(None)))).all()
    for d in held:
        assert d.paused_at is not None
        d.due_at, d.paused_at = resume(d.due_at, d.paused_at, now), None
        if ctx.on_deadline is not None:
            ctx.on_deadline(d.due_at)


@dataclass(frozen=True)
class SlaLine:
    order: OrderView
    kind: str
    due_at: datetime


async def sla_board(ctx: Context, actor: Actor, limit: int = 50) -> list[SlaLine]:
    """Orders at risk or breached, oldest first."""
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    async with ctx.tx() as s:
        rows = (await s.scalars(
            select(Order)
            .where(Order.sla_state.in_([Sla.RISK.value, Sla.BREACH.value]),
                   Order.status.not_in([t.value for t in TERMINAL]))
            .order_by(Order.created_at, Order.id).limit(limit))).all()
        return [SlaLine(await order_view(s, o), o.sla_kind or "", o.sla_due_at or o.created_at)
                for o in rows]
