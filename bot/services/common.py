"""Helpers shared by the order use cases: loading, compare-and-set, parties."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import Conflict, NotFound
from bot.domain.rules import OrderParties
from bot.domain.states import Status
from bot.events import OfferClosed, To
from bot.services.base import Context, enqueue
from db.models import Master, Offer, Order


async def load_order(s: AsyncSession, order_id: int) -> Order:
    order = await s.get(Order, order_id)
    if order is None:
        raise NotFound("error.not_found")
    return order


def parties(order: Order) -> OrderParties:
    return OrderParties(Status(order.status), order.client_id, order.master_id,
                        order.offered_master_id)


async def cas_status(
    ctx: Context, s: AsyncSession, order: Order, to: Status, now: datetime, **values: Any
) -> None:
    """Compare-and-set: move the order only if nobody moved it since we read it. The loser of
    a race (two masters, a double tap) gets Conflict and its transaction rolls back. The new
    step's deadlines are planned in the same transaction."""
    result = await s.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == order.status)
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("error.conflict")
    await s.refresh(order)
    from bot.services.deadlines import plan  # deadlines use cas_status to expire offers

    await plan(ctx, s, order, now)


async def master_user_id(s: AsyncSession, master_id: int) -> int:
    uid = await s.scalar(select(Master.user_id).where(Master.id == master_id))
    if uid is None:
        raise NotFound("error.not_found")
    return uid


async def close_pending_offers(s: AsyncSession, order_id: int, status: str,
                               now: datetime) -> None:
    """The pending offer ends (expired, withdrawn, declined, cancelled): its master's offer
    messages are edited to say so and lose their buttons (kind 'offer_closed', see
    bot/notify/sender.py), in the same transaction."""
    holders = (await s.scalars(
        select(Master.user_id).join(Offer, Offer.master_id == Master.id)
        .where(Offer.order_id == order_id, Offer.status == "pending"))).all()
    await s.execute(
        update(Offer).where(Offer.order_id == order_id, Offer.status == "pending")
        .values(status=status, decided_at=now)
    )
    for uid in set(holders):
        enqueue(s, now, OfferClosed(reason=status), to=To.chat(uid, order_id))


async def card_menu_shown(ctx: Context, *, order_id: int | None = None,
                          master_id: int | None = None) -> None:
    """A desk handler put a menu (candidates, reasons) on a card in place of its buttons: the
    card no longer shows what its digest says, so the next redraw must edit it."""
    async with ctx.tx() as s:
        if order_id is not None:
            await s.execute(update(Order).where(Order.id == order_id).values(card_digest=None))
        if master_id is not None:
            await s.execute(update(Master).where(Master.id == master_id)
                            .values(card_digest=None))
