"""The clock's use cases: fire the due deadlines exactly once, and the desk's SLA board.
Planning, holding and moving an order's clocks: bot/services/clocks.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import lateness
from bot.domain.deadlines import SLA_WHEN_FIRED, Kind, Sla
from bot.domain.rules import Actor, desk_only
from bot.domain.states import TERMINAL, Action, Role, Status, can
from bot.domain.views import OrderView
from bot.events import ClientSla, DeskSla, Event, MasterSla, OrderTitleChanged, To
from bot.services.base import Context, enqueue, outbox_row
from bot.services.common import close_pending_offers
from bot.services.matching import offer_next
from bot.services.transition import Step, transition
from bot.services.views import order_views
from db import audit, deadlines, masters, orders, outbox
from db.models import Order

logger = logging.getLogger(__name__)
BATCH = 500


async def fire_due(ctx: Context, limit: int = BATCH) -> int:
    """Fire up to `limit` due deadlines; returns how many. Claiming (pending → fired) and the
    effects commit in one transaction, so a deadline fires once even with several processes;
    one that fell due while the bot was down fires now and is marked late. A batch that fails
    is retried one deadline at a time, so one bad row cannot hold back the others."""
    try:
        async with ctx.tx() as s:
            claimed = await deadlines.claim(s, ctx.clock(), limit)
            await _fire_batch(ctx, s, claimed, ctx.clock())
            return len(claimed)
    except Exception:
        logger.exception("a batch of deadlines failed; firing them one by one")
    fired = 0
    for _ in range(limit):
        ids: list[int] = []
        try:
            async with ctx.tx() as s:
                claimed = await deadlines.claim(s, ctx.clock(), 1)
                if not claimed:
                    break
                ids = [claimed[0].id]
                await _fire_batch(ctx, s, claimed, ctx.clock())
            fired += 1
        except Exception:
            logger.exception("deadline %s failed to fire; marked failed", ids)
            async with ctx.tx() as s:
                await deadlines.mark_failed(s, ids, ctx.clock())
    return fired


async def _fire_batch(ctx: Context, s: AsyncSession, claimed: list[Any],
                      now: datetime) -> None:
    """The effects of a batch, with a fixed number of statements per batch rather than per
    deadline (1,000 falling due in one second must fire within it)."""
    if not claimed:
        return
    by_id = await orders.many(s, {c.order_id for c in claimed})
    users = await masters.user_ids(s, {o.master_id for o in by_id.values() if o.master_id})
    by_late: dict[int, list[int]] = {}
    sla_updates: dict[tuple[Sla, str, datetime], list[int]] = {}
    fx = _Effects(now)
    for row in claimed:
        late = int(lateness(row.due_at, now).total_seconds())
        by_late.setdefault(late, []).append(row.id)
        order, kind = by_id[row.order_id], Kind(row.kind)
        master_uid = users.get(order.master_id) if order.master_id else None
        sla = await _fire(ctx, s, fx, order, master_uid, kind, row.due_at, late)
        if sla is not None:
            sla_updates.setdefault((sla, kind.value, row.due_at), []).append(order.id)
    await audit.add_many(s, fx.audit)
    await outbox.add_many(s, fx.outbox)
    for late, ids in by_late.items():
        await deadlines.set_late(s, ids, late)
    for (sla, kind_value, due), ids in sla_updates.items():
        await orders.set_sla(s, ids, sla.value, kind_value, due,
                             keep_breach=sla is not Sla.BREACH)


async def next_due(ctx: Context) -> datetime | None:
    async with ctx.read() as s:
        return await deadlines.next_due(s)


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
    if order.status != Status.OFFERED or not can(Status.OFFERED, Action.EXPIRE, Role.SYSTEM):
        return
    master_id = order.offered_master_id
    await transition(ctx, s, order, Step(Action.EXPIRE, role=Role.SYSTEM, master_id=master_id,
                                         values=dict(offered_master_id=None)), now)
    await close_pending_offers(s, order.id, "expired", now)
    # The master's offer message says it expired (close_pending_offers); the desk's note
    # names him, so the topic tells whom the order waited for.
    name = await masters.name_of(s, master_id)
    enqueue(s, now, DeskSla(auto=order.auto_offer, master=name or "", **common),
            to=To.desk(order.id))
    await offer_next(ctx, s, order, now)  # Auto: the next candidate gets it


@dataclass(frozen=True)
class SlaLine:
    order: OrderView
    kind: str
    due_at: datetime


async def sla_board(ctx: Context, actor: Actor, limit: int = 50) -> list[SlaLine]:
    """Orders at risk or breached, oldest first."""
    desk_only(actor)
    async with ctx.read() as s:
        rows = await orders.at_risk(s, [Sla.RISK.value, Sla.BREACH.value],
                                    [t.value for t in TERMINAL], limit)
        views = await order_views(s, rows)
        return [SlaLine(v, o.sla_kind or "", o.sla_due_at or o.created_at)
                for o, v in zip(rows, views, strict=True)]
