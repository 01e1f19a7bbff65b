"""Blocking [R §8, Q]: a master (no offers, no acting on his jobs, his open jobs flagged to
the desk) or a client (no new orders; he can still write to the desk about his orders)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.rules import Actor, clip, desk_only
from bot.domain.states import Action, Role, Status
from bot.domain.views import MasterView
from bot.events import ClientBlocked, DeskNote, MasterBlocked, MasterJobBack, To
from bot.services.base import Context, audit, card_changed, enqueue, master_card_changed
from bot.services.common import close_pending_offers
from bot.services.job_messages import revoke_job
from bot.services.transition import Step, transition
from bot.services.views import master_view
from db import masters, orders, users

IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE,
           Status.AWAITING_CONFIRMATION)


async def _his_jobs(s: AsyncSession, master_id: int) -> list[int]:
    """His orders whose job message shows the client's address and phone and still matter."""
    return await masters.orders_in(s, master_id, [st.value for st in (*IN_WORK, Status.DISPUTED)])


# --- blocking [R §8, Q] ---------------------------------------------------------------------

async def block_master(ctx: Context, actor: Actor, master_id: int, reason: str) -> list[int]:
    """Block a master: he gets no offers and cannot act on his jobs; a pending offer to him is
    taken back, and the desk is alerted in each open job's topic to reassign it. Returns the
    ids of the orders the desk must look at."""
    desk_only(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("error.block_reason")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await masters.load(s, master_id)
        await masters.set_blocked(s, master, True, clip(reason, 500))
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="block",
              master_id=master_id, reason=reason)
        touched: list[int] = []
        offered = await masters.offered_to(s, master_id)
        for order in offered:
            await transition(ctx, s, order, Step(
                Action.WITHDRAW, actor, Role.MANAGER, master_id=master_id, reason="blocked",
                values=dict(offered_master_id=None, auto_offer=False)), now)
            await close_pending_offers(s, order.id, "withdrawn", now)
            enqueue(s, now, DeskNote(note="offer_blocked"), to=To.desk(order.id))
            touched.append(order.id)
        jobs = await masters.orders_in(s, master_id, [st.value for st in IN_WORK])
        for oid in jobs:
            enqueue(s, now, DeskNote(note="master_blocked"), to=To.desk(oid))
            card_changed(s, now, oid)
            touched.append(oid)
        for oid in await _his_jobs(s, master_id):  # his chat keeps no address or phone
            revoke_job(s, now, oid, master.user_id)
        enqueue(s, now, MasterBlocked(master_id=master_id, blocked=True, reason=reason),
                to=To.chat(master.user_id))
        master_card_changed(s, now, master_id)
        return touched


async def unblock_master(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    desk_only(actor)
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await masters.load(s, master_id)
        await masters.set_blocked(s, master, False, None)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="unblock",
              master_id=master_id)
        enqueue(s, now, MasterBlocked(master_id=master_id, blocked=False),
                to=To.chat(master.user_id))
        for oid in await _his_jobs(s, master_id):  # still his: the job, shown again
            enqueue(s, now, MasterJobBack(), to=To.chat(master.user_id, oid))
        master_card_changed(s, now, master_id)
        return await master_view(s, master)


# --- blocking a client [R §8, Q] ------------------------------------------------------------

async def set_client_blocked(ctx: Context, actor: Actor, order_id: int, blocked: bool,
                             reason: str = "") -> int:
    """Block (or unblock) the client of an order: a blocked client places no new orders; his
    orders stay, and he can still write to the desk about them. Returns his user id."""
    desk_only(actor)
    reason = reason.strip()
    if blocked and not reason:
        raise InvalidInput("error.block_reason")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await orders.load(s, order_id)
        await users.set_blocked(s, order.client_id, blocked,
                                clip(reason, 500) if blocked else None)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER,
              action="block_client" if blocked else "unblock_client", order_id=order.id,
              reason=reason or None)
        enqueue(s, now, ClientBlocked(blocked=blocked, reason=reason),
                to=To.chat(order.client_id, order.id))
        return order.client_id
