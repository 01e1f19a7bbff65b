"""The clock's use cases: plan an order's deadlines on each step, fire the due ones exactly
once, pause and resume, and the desk's SLA board."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import lateness, resume
from bot.domain.deadlines import (
    ONCE,
    SLA_WHEN_FIRED,
    STARTS,
    Kind,
    Sla,
    due_at,
    kinds_to_cancel,
    warranty_ends_at,
)
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import TERMINAL, Action, Role, Status, can
from bot.domain.views import OrderView
from bot.events import ClientSla, DeskSla, Event, MasterSla, OrderTitleChanged, To
from bot.services.base import Context, audit, card_changed, enqueue, outbox_row
from bot.services.views import order_view
from db.models import AuditEntry, Deadline, Master, Order, OutboxMessage

logger = logging.getLogger(__name__)
BATCH = 500


async def plan(ctx: Context, s: AsyncSession, order: Order, now: datetime) -> None:
    """The order has just entered `order.status`: deadlines that no longer apply are met or
    void (cancelled), and the ones this step starts are created. Runs inside the transition's
    own transaction, so a step and its clocks commit together."""
    status = Status(order.status)
    starts = STARTS.get(status, ())
    once = [k.value for k in starts if k in ONCE]
    with s.no_autoflush:  # new rows go in together at commit, not one flush per step
        if once:  # planned before (pending, fired or met): not again
            planned = set((await s.scalars(select(Deadline.kind).where(
                Deadline.order_id == order.id, Deadline.kind.in_(once)))).all())
            starts = tuple(k for k in starts if k.value not in planned)
        await s.execute(
            update(Deadline)
            .where(Deadline.order_id == order.id, Deadline.state == "pending",
                   Deadline.kind.in_([k.value for k in (*kinds_to_cancel(status), *starts)]))
            .values(state="cancelled").execution_options(synchronize_session=False))
    for kind in starts:
        due = due_at(kind, now, ctx.policy.timing, order.visit_at, warranty_ends_at(
            order.reported_at, order.warranty_months, ctx.policy.timing.desk.tz))
        if due is None:
            continue
        s.add(Deadline(order_id=order.id, kind=kind, due_at=due, created_at=now))
        if ctx.on_deadline is not None:
            ctx.on_deadline(due)
    if order.sla_state != Sla.OK:  # a new step: its clock starts on time
        order.sla_state, order.sla_kind, order.sla_due_at = Sla.OK, None, None
        if order.topic_id is not None:
            enqueue(s, now, OrderTitleChanged(), to=To.desk(order.id))


async def fire_due(ctx: Context, limit: int = BATCH) -> int:
    """Fire up to `limit` due deadlines; returns how many. Claiming (pending → fired) and the
    effects commit in one transaction, so a deadline fires once even with several processes;
    one that fell due while the bot was down fires now and is marked late. A batch that fails
    is retried one deadline at a time, so one bad row cannot hold back the others."""
    try:
        async with ctx.tx() as s:
            claimed = await _claim(s, ctx.clock(), limit)
            await _fire_batch(ctx, s, claimed, ctx.clock())
            return len(claimed)
    except Exception:
        logger.exception("a batch of deadlines failed; firing them one by one")
    fired = 0
    for _ in range(limit):
        ids: list[int] = []
        try:
            async with ctx.tx() as s:
                claimed = await _claim(s, ctx.clock(), 1)
                if not claimed:
                    break
                ids = [claimed[0].id]
                await _fire_batch(ctx, s, claimed, ctx.clock())
            fired += 1
        except Exception:
            logger.exception("deadline %s failed to fire; marked failed", ids)
            async with ctx.tx() as s:
                await s.execute(update(Deadline).where(Deadline.id.in_(ids),
                                                       Deadline.state == "pending")
                                .values(state="failed", fired_at=ctx.clock()))
    return fired


async def _claim(s: AsyncSession, now: datetime, limit: int) -> list[Any]:
    pick = (select(Deadline.id)
            .where(Deadline.state == "pending", Deadline.paused_at.is_(None),
                   Deadline.due_at <= now)
            .order_by(Deadline.due_at, Deadline.id).limit(limit))
    if s.bind.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)  # two processes never wait on each other
    return list((await s.execute(
        update(Deadline)
        .where(Deadline.id.in_(pick.scalar_subquery()), Deadline.state == "pending")
        .values(state="fired", fired_at=now)
        .returning(Deadline.id, Deadline.order_id, Deadline.kind, Deadline.due_at)
    )).all())


async def _fire_batch(ctx: Context, s: AsyncSession, claimed: list[Any],
                      now: datetime) -> None:
    """The effects of a batch, with a fixed number of statements per batch rather than per
    deadline (1,000 falling due in one second must fire within it)."""
    if not claimed:
        return
    orders = {o.id: o for o in (await s.scalars(
        select(Order).where(Order.id.in_({c.order_id for c in claimed})))).all()}
    master_ids = {o.master_id for o in orders.values() if o.master_id}
    masters = dict((await s.execute(select(Master.id, Master.user_id)
                                    .where(Master.id.in_(master_ids)))).all()) \
        if master_ids else {}
    by_late: dict[int, list[int]] = {}
    sla_updates: dict[tuple[Sla, str, datetime], list[int]] = {}
    fx = _Effects(now)
    for row in claimed:
        late = int(lateness(row.due_at, now).total_seconds())
        by_late.setdefault(late, []).append(row.id)
        order, kind = orders[row.order_id], Kind(row.kind)
        sla = await _fire(ctx, s, fx, order, masters.get(order.master_id), kind, row.due_at,
                          late)
        if sla is not None:
            sla_updates.setdefault((sla, kind.value, row.due_at), []).append(order.id)
    if fx.audit:
        await s.execute(insert(AuditEntry), fx.audit)
    if fx.outbox:
        await s.execute(insert(OutboxMessage), fx.outbox)
    for late, ids in by_late.items():
        await s.execute(update(Deadline).where(Deadline.id.in_(ids))
                        .values(late_seconds=late))
    for (sla, kind, due), ids in sla_updates.items():
        stmt = update(Order).where(Order.id.in_(ids))
        if sla is not Sla.BREACH:  # a risk never hides a breach
            stmt = stmt.where(Order.sla_state != Sla.BREACH.value)
        await s.execute(stmt.values(sla_state=sla.value, sla_kind=kind, sla_due_at=due)
                        .execution_options(synchronize_session=False))


async def next_due(ctx: Context) -> datetime | None:
    async with ctx.tx() as s:
        return await s.scalar(
            select(Deadline.due_at)
            .where(Deadline.state == "pending", Deadline.paused_at.is_(None))
            .order_by(Deadline.due_at).limit(1))


@dataclass
class _Effects:
    """Rows a batch writes, inserted in bulk at the end (one statement per table)."""

    now: datetime
    audit: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def send(self, event: Event, to: To) -> None:
        self.outbox.append({**outbox_row(self.now, event, to), "status": "pending",
                            "attempts": 0})


async def _fire(ctx: Context, s: AsyncSession, fx: _Effects, order: Order,
                master_uid: int | None, kind: Kind, due: datetime, late: int) -> Sla | None:
    """One deadline's messages; returns the SLA state it puts the order in, if any."""
    t, now = ctx.policy.timing, fx.now
    # The promise a reminder is about: the call itself, the visit itself.
    deadline = {Kind.CALLBACK_REMINDER: due + (t.callback - t.callback_reminder),
                Kind.VISIT_REMINDER: order.visit_at or due}.get(kind, due)
    common: dict[str, Any] = {"clock": kind.value, "due": due, "late": late,
                              "deadline": deadline}
    # The master's id makes a missed callback or arrival count in his discipline record.
    fx.audit.append(dict(actor_id=None, actor_role=Role.SYSTEM.value,
                         action=f"deadline:{kind.value}", order_id=order.id,
                         master_id=order.master_id, reason=f"late {late}s", created_at=now))
    if kind is Kind.OFFER:
        await _expire_offer(ctx, s, order, now, common)
        return None
    sla = SLA_WHEN_FIRED.get(kind)
    if sla is not None and order.topic_id is not None and (
            order.sla_state != Sla.BREACH or sla is Sla.BREACH):
        fx.send(OrderTitleChanged(), To.desk(order.id))
    if sla is Sla.BREACH:
        fx.send(DeskSla(**common), To.desk(order.id))
    elif sla is Sla.RISK:  # not a breach: the desk hears of it when the desk is open
        fx.send(DeskSla(**common), To.desk(order.id, not_before=t.desk.next_opening(now)))
    if master_uid is not None and kind in (Kind.CALLBACK_REMINDER, Kind.CALLBACK,
                                           Kind.VISIT_REMINDER, Kind.COMPLETION):
        fx.send(MasterSla(**common), To.chat(master_uid, order.id))
    if kind in (Kind.VISIT_REMINDER, Kind.ARRIVAL, Kind.CONFIRMATION, Kind.REVIEW,
                Kind.WARRANTY_END):
        fx.send(ClientSla(**common), To.chat(order.client_id, order.id))
    return sla


async def _expire_offer(ctx: Context, s: AsyncSession, order: Order, now: datetime,
                        common: dict[str, Any]) -> None:
    """The offer ran out: the order goes back to the desk, the master's offer is closed."""
    from bot.services.common import cas_status, close_pending_offers
    from bot.services.matching import offer_next

    if order.status != Status.OFFERED or not can(Status.OFFERED, Action.EXPIRE, Role.SYSTEM):
        return
    master_id = order.offered_master_id
    await cas_status(ctx, s, order, Status.SUBMITTED, now, offered_master_id=None)
    await close_pending_offers(s, order.id, "expired", now)
    audit(s, now, actor_id=None, role=Role.SYSTEM, action=Action.EXPIRE, order_id=order.id,
          master_id=master_id, from_status=Status.OFFERED, to_status=Status.SUBMITTED)
    # The master's offer message says it expired (close_pending_offers); the desk's note
    # names him, so the topic tells whom the order waited for.
    name = await s.scalar(select(Master.name).where(Master.id == master_id))
    enqueue(s, now, DeskSla(auto=order.auto_offer, master=name or "", **common),
            to=To.desk(order.id))
    card_changed(s, now, order.id)
    await offer_next(ctx, s, order, now)  # Auto: the next candidate gets it


async def move_deadline(ctx: Context, s: AsyncSession, order_id: int, kind: Kind,
                        new_due: datetime) -> bool:
    """Move a pending deadline (an approved extension moves the completion deadline [C 4(1)]).
    False when there is none pending to move."""
    result = await s.execute(
        update(Deadline).where(Deadline.order_id == order_id, Deadline.kind == kind.value,
                               Deadline.state == "pending")
        .values(due_at=new_due).execution_options(synchronize_session=False))
    if result.rowcount and ctx.on_deadline is not None:
        ctx.on_deadline(new_due)
    return bool(result.rowcount)


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
