"""Helpers shared by the order use cases: loading, parties, closing offers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor, OrderParties, desk_only, own_job
from bot.domain.states import Status
from bot.events import OfferClosed, To
from bot.services.base import Context, enqueue
from db import cards, masters, offers, orders
from db.models import Master, Order


async def load_order(s: AsyncSession, order_id: int) -> Order:
    return await orders.load(s, order_id)


@asynccontextmanager
async def desk_order(ctx: Context, actor: Actor,
                     order_id: int) -> AsyncIterator[tuple[AsyncSession, Order, datetime]]:
    """A desk use case on one order: refused to anyone but the desk, then its transaction, the
    order loaded in it and the time of the change."""
    desk_only(actor)
    now = ctx.clock()
    async with ctx.tx() as s:
        yield s, await load_order(s, order_id), now


def parties(order: Order) -> OrderParties:
    return OrderParties(Status(order.status), order.client_id, order.master_id,
                        order.offered_master_id)


async def load_own_job(s: AsyncSession, actor: Actor, order_id: int,
                       states: Collection[Status] | None = None) -> Order:
    """The order whose assigned master `actor` is (else NotAllowed), in one of `states` when
    given (else error.wrong_state)."""
    order = await load_order(s, order_id)
    own_job(actor, parties(order))
    if states is not None and order.status not in states:
        raise NotAllowed("error.wrong_state")
    return order


async def master_user_id(s: AsyncSession, master_id: int) -> int:
    return await masters.user_id_of(s, master_id)


async def close_pending_offers(s: AsyncSession, order_id: int, status: str,
                               now: datetime) -> None:
    """The pending offer ends (expired, withdrawn, declined, cancelled): its master's offer
    messages are edited to say so and lose their buttons (kind 'offer_closed', see
    bot/notify/sender.py), in the same transaction."""
    for uid in await offers.close_pending(s, order_id, status, now):
        enqueue(s, now, OfferClosed(reason=status), to=To.chat(uid, order_id))


async def card_menu_shown(ctx: Context, *, order_id: int | None = None,
                          master_id: int | None = None) -> None:
    """A desk handler put a menu (candidates, reasons) on a card in place of its buttons: the
    card no longer shows what its digest says, so the next redraw must edit it."""
    async with ctx.tx() as s:
        if order_id is not None:
            await cards.forget(s, Order, order_id)
        if master_id is not None:
            await cards.forget(s, Master, master_id)
