"""Matching and offers: the desk picks a master, the master accepts or declines."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import Conflict, InvalidInput
from bot.domain.rules import Actor, authorize, check_may_serve
from bot.domain.states import Action, Status
from bot.domain.views import OrderView
from bot.events import ClientAssigned, DeskNote, To
from bot.services.base import Context, enqueue, enqueue_album
from bot.services.common import (
    close_pending_offers,
    load_order,
    parties,
)
from bot.services.matching import offer_next, send_offer, stats_for
from bot.services.transition import Step, transition
from bot.services.views import order_view
from db import masters, offers
from db.models import Order


async def offer_order(ctx: Context, actor: Actor, order_id: int, master_id: int) -> OrderView:
    """The desk offers the order to a chosen master (verified, not blocked, doing this
    service); Auto stops."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        role, _to = authorize(actor, parties(order), Action.OFFER)
        master = await masters.get(s, master_id)
        serves = master is not None and await masters.serves(s, master_id, order.service)
        if (master is None or not master.verified or master.blocked
                or master.status != "approved" or not serves):
            raise InvalidInput("error.master_unavailable")
        check_may_serve(parties(order), master.user_id)
        await send_offer(ctx, s, order, master, now, actor=actor, role=role,
                         auto=False)
        return await order_view(s, order)


async def withdraw_offer(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        await transition(ctx, s, order, Step(
            Action.WITHDRAW, actor, values=dict(offered_master_id=None, auto_offer=False),
            master_id=order.offered_master_id), now)
        await close_pending_offers(s, order.id, "withdrawn", now)
        return await order_view(s, order)


# A press on an offer that has ended, by the master it was made to: why it ended.
OFFER_CLOSED_ERRORS = {"expired": "error.offer_expired", "withdrawn": "error.offer_withdrawn",
                       "cancelled": "error.offer_cancelled", "declined": "error.offer_declined",
                       "accepted": "error.offer_accepted"}


async def check_offer_open(s: AsyncSession, actor: Actor, order: Order) -> None:
    """A late press on Accept or Decline (the offer expired, the desk took it back...) is told
    what happened to the offer, not refused like a stranger's press. A master who was never
    offered this order is left to the rules."""
    if actor.master_id is None or actor.blocked or (
            order.status == Status.OFFERED and order.offered_master_id == actor.master_id):
        return
    last = await offers.last_status(s, order.id, actor.master_id)
    if last in OFFER_CLOSED_ERRORS:
        raise Conflict(OFFER_CLOSED_ERRORS[last], closed=last)


async def accept_offer(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The offered master takes the job. Only now may he see the address and phone; the client
    gets the master's card [H, Q]."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        await check_offer_open(s, actor, order)
        master_id = order.offered_master_id
        await transition(ctx, s, order, Step(
            Action.ACCEPT, actor, master_id=master_id,
            values=dict(master_id=master_id, offered_master_id=None, auto_offer=False)), now)
        await offers.accept(s, order.id, master_id, now)
        master = await masters.get(s, master_id)
        assert master is not None
        stats = (await stats_for(s, [master.id], order.service))[master.id][0]
        # The master's card as he was when he took the job [H, Q]: the client can check who
        # comes to the door.
        enqueue(s, now, ClientAssigned(photo=master.photo, verified=master.verified,
                                       rating=stats.rating, reviews=stats.reviews,
                                       jobs=stats.jobs_done),
                to=To.chat(order.client_id, order.id))
        # The photos of the problem, like the address, only now that the job is his: an offer
        # shows nothing that could identify the home.
        enqueue_album(s, now, order.photos or (), "order", order_id=order.id,
                      chat_id=master.user_id, job=True)
        enqueue(s, now, DeskNote(note="assigned"), to=To.desk(order.id))
        return await order_view(s, order)


async def decline_offer(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        await check_offer_open(s, actor, order)
        await transition(ctx, s, order, Step(
            Action.DECLINE, actor, values=dict(offered_master_id=None),
            master_id=order.offered_master_id), now)
        await close_pending_offers(s, order.id, "declined", now)
        enqueue(s, now, DeskNote(note="declined"), to=To.desk(order.id))
        await offer_next(ctx, s, order, now)
        return await order_view(s, order)
