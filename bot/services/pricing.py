"""The price agreed in the bot [C 一.3, 五.2; V]: the master quotes, the client accepts or
declines; after an accepted quote the price rises only by extras the client approves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotAllowed, NotFound
from bot.domain.money import check_amount, plain
from bot.domain.pricing import (
    ACCEPTED,
    DECLINED,
    EXTRA,
    MAX_ITEM,
    MAX_REASON,
    PROPOSED,
    QUOTE,
    PriceItemView,
    ReportTerms,
    can_decide,
    can_propose_extra,
    can_quote,
    check_text,
    price_cap,
)
from bot.domain.rules import Actor
from bot.domain.states import Role, Status
from bot.domain.views import OrderView
from bot.events import ClientExtra, ClientQuote, DeskPrice, MasterPrice, To
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import load_order, load_own_job, master_user_id
from bot.services.views import order_view, price_item_view, price_items
from db import orders, prices, users
from db.models import Order, PriceItem

PriceCheck = Callable[[Status, bool, Iterable[PriceItemView]], None]


async def lock_order(s: AsyncSession, order: Order, now: datetime) -> None:
    """Take the order's row before reading its price items (compare-and-set on the status and
    the stop): a new quote, the client's answer and the report of one order then run one after
    another, so none of them decides on what another is changing."""
    await orders.lock(s, order, now)


async def _own_priced(s: AsyncSession, actor: Actor, order_id: int, now: datetime,
                      may: PriceCheck) -> Order:
    """The master's own job, locked, where `may` (can_quote, can_propose_extra) allows a new
    price item."""
    order = await load_own_job(s, actor, order_id)
    await lock_order(s, order, now)
    may(Status(order.status), order.stopped, await price_items(s, order.id))
    return order


async def _proposed(s: AsyncSession, now: datetime, order: Order, item_id: int,
                    told: ClientQuote | ClientExtra) -> OrderView:
    """A quote or an extra is proposed: the client is asked to answer it, the desk sees it."""
    enqueue(s, now, told, to=To.chat(order.client_id, order.id))
    enqueue(s, now, DeskPrice(item_id=item_id, event=PROPOSED), to=To.desk(order.id))
    card_changed(s, now, order.id)
    return await order_view(s, order)


async def send_quote(ctx: Context, actor: Actor, order_id: int, amount: int,
                     note: str | None = None) -> OrderView:
    """The assigned master quotes after the call. A quote still waiting, or declined, is
    replaced; once one is accepted the price only grows by approved extras."""
    amount = check_amount(amount, ctx.policy.money)
    note = check_text(note, MAX_ITEM, required=False, one_line=True)
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await _own_priced(s, actor, order_id, now, can_quote)
        await prices.withdraw_open(s, order.id, now, kind=QUOTE)
        item = await prices.add(s, PriceItem(order_id=order.id, kind=QUOTE, item=note or "",
                                             amount=amount, status=PROPOSED, created_at=now))
        audit(s, now, actor_id=actor.user_id, role=Role.MASTER, action="quote",
              order_id=order.id, master_id=order.master_id, reason=plain(amount, ctx.policy.money))
        return await _proposed(s, now, order, item.id, ClientQuote(item_id=item.id))


async def propose_extra(ctx: Context, actor: Actor, order_id: int, item: str, amount: int,
                        reason: str) -> OrderView:
    """An extra on top of the accepted quote (a part to replace, more work found): it counts
    only once the client approves it. Several may wait for the client at once."""
    amount = check_amount(amount, ctx.policy.money)
    what = check_text(item, MAX_ITEM, one_line=True) or ""
    why = check_text(reason, MAX_REASON)
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await _own_priced(s, actor, order_id, now, can_propose_extra)
        row = PriceItem(order_id=order.id, kind=EXTRA, item=what, amount=amount, reason=why,
                        status=PROPOSED, created_at=now)
        await prices.add(s, row)
        audit(s, now, actor_id=actor.user_id, role=Role.MASTER, action="extra",
              order_id=order.id, master_id=order.master_id,
              reason=f"{plain(amount, ctx.policy.money)} {what}")
        return await _proposed(s, now, order, row.id, ClientExtra(item_id=row.id))


async def _decide(ctx: Context, actor: Actor, order_id: int, item_id: int, kind: str,
                  accept: bool) -> OrderView:
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        row = await prices.get(s, item_id)
        if row is None or row.order_id != order.id or row.kind != kind:
            raise NotFound("error.not_found")
        if order.client_id != actor.user_id:
            raise NotAllowed("error.not_allowed")
        await lock_order(s, order, now)
        await s.refresh(row)
        can_decide(Status(order.status), order.stopped, price_item_view(row))
        status = ACCEPTED if accept else DECLINED
        await prices.decide(s, row.id, status, now)
        audit(s, now, actor_id=actor.user_id, role=Role.CLIENT, action=f"{kind}_{status}",
              order_id=order.id, master_id=order.master_id,
              reason=plain(row.amount, ctx.policy.money))
        if order.master_id:
            enqueue(s, now, MasterPrice(item_id=row.id),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        enqueue(s, now, DeskPrice(item_id=row.id, event=status), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def decide_quote(ctx: Context, actor: Actor, order_id: int, item_id: int,
                       accept: bool) -> OrderView:
    """The client accepts or declines the master's quote (only the order's client)."""
    return await _decide(ctx, actor, order_id, item_id, QUOTE, accept)


async def decide_extra(ctx: Context, actor: Actor, order_id: int, item_id: int,
                       approve: bool) -> OrderView:
    """The client's one-tap consent to an extra [V: consent before replacing parts]."""
    return await _decide(ctx, actor, order_id, item_id, EXTRA, approve)


async def report_terms(ctx: Context, actor: Actor, order_id: int) -> ReportTerms:
    """What the master's report must respect: the price cap and the service's minimum
    warranty [C 三.2]. Only for the order's own master."""
    async with ctx.read() as s:
        order = await load_own_job(s, actor, order_id)
        service = await users.service(s, order.service)
        return ReportTerms(price_cap(await price_items(s, order.id)),
                           service.warranty_min_months if service else 1)
