"""A master's requests to the desk: more time [C 4(1)], or to be released from a job [V]
(a master cannot cancel an accepted job; the desk decides). One open request per order."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.deadlines import Kind
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.rules import Actor, desk_only
from bot.domain.states import Action, Role, Status
from bot.domain.views import OrderView
from bot.events import ClientRematch, DeskNote, MasterRequestDecided, To
from bot.services.base import Context, audit, card_changed, enqueue, mark_card
from bot.services.clocks import move_deadline
from bot.services.common import desk_order, load_order, load_own_job, master_user_id
from bot.services.job_messages import revoke_job
from bot.services.transition import Step, transition
from bot.services.views import order_view
from db import deadlines, masters, orders
from db.models import Order

EXTENSION_REASONS = ("weather", "client_unavailable", "parts")  # [C 4(1)] exemptions
RELEASE_REASONS = ("illness", "emergency", "job_differs", "other")
EXTENSION_HOURS = (24, 48, 72)
IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)


async def ask(ctx: Context, actor: Actor, order_id: int, kind: str, reason: str) -> OrderView:
    """The assigned master asks the desk for an extension or to be released."""
    reasons = EXTENSION_REASONS if kind == "extension" else RELEASE_REASONS
    if kind not in ("extension", "release") or reason not in reasons:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_own_job(s, actor, order_id, IN_WORK)
        await orders.open_request(s, order, kind, reason, now)
        audit(s, now, actor_id=actor.user_id, role=Role.MASTER, action=f"ask_{kind}",
              order_id=order.id, master_id=order.master_id, reason=reason)
        enqueue(s, now, DeskNote(note=f"ask_{kind}", reason=reason), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def _take_request(s: AsyncSession, order: Order, kind: str, now: datetime) -> str:
    """Close the open request (compare-and-set: two managers cannot both decide it)."""
    reason = order.request_reason or ""
    await orders.close_request(s, order, kind, now)
    return reason


async def decide_extension(ctx: Context, actor: Actor, order_id: int,
                           hours: int | None) -> OrderView:
    """Approve with `hours` more (the completion deadline moves and it is recorded), or refuse
    with None."""
    desk_only(actor)
    if hours is not None and hours not in EXTENSION_HOURS:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        reason = await _take_request(s, order, "extension", now)
        uid = await master_user_id(s, order.master_id) if order.master_id else None
        if hours is None:
            audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="refuse_extension",
                  order_id=order.id, master_id=order.master_id, reason=reason)
            if uid:
                enqueue(s, now, MasterRequestDecided(request="extension", approved=False),
                        to=To.chat(uid, order.id))
        else:
            due = await deadlines.due_of(s, order.id, Kind.COMPLETION.value)
            new_due = (due or now) + timedelta(hours=hours)
            await move_deadline(ctx, s, order.id, Kind.COMPLETION, new_due)
            audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="extension",
                  order_id=order.id, master_id=order.master_id,
                  reason=f"{reason} +{hours}h → {new_due.isoformat()}")
            if uid:
                enqueue(s, now, MasterRequestDecided(request="extension", approved=True,
                                                     due=new_due), to=To.chat(uid, order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def decide_release(ctx: Context, actor: Actor, order_id: int,
                         approve: bool) -> OrderView:
    """Approve: the order goes back to matching and the release counts in the master's
    discipline record (the audit row 'release'); refuse: the master stays on the job."""
    async with desk_order(ctx, actor, order_id) as (s, order, now):
        reason = await _take_request(s, order, "release", now)
        master_id = order.master_id
        uid = await master_user_id(s, master_id) if master_id else None
        if approve:
            await transition(ctx, s, order, Step(
                Action.RELEASE, actor, audit_as="release", master_id=master_id, reason=reason,
                values=dict(master_id=None, visit_at=None, checked_in_at=None)), now)
            enqueue(s, now, ClientRematch(), to=To.chat(order.client_id, order.id))
            if uid:
                revoke_job(s, now, order.id, uid)
        else:
            audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="refuse_release",
                  order_id=order.id, master_id=master_id, reason=reason)
        if uid:
            enqueue(s, now, MasterRequestDecided(request="release", approved=approve),
                    to=To.chat(uid, order.id))
        mark_card(s, order.id)
        return await order_view(s, order)


async def take_away(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The desk takes a job from a blocked master: back to matching, the client told."""
    async with desk_order(ctx, actor, order_id) as (s, order, now):
        master = await masters.get(s, order.master_id) if order.master_id else None
        if master is None or not master.blocked:
            raise NotAllowed("error.master_not_blocked")
        await transition(ctx, s, order, Step(
            Action.RELEASE, actor, audit_as="take_away", master_id=master.id, reason="blocked",
            values=dict(master_id=None, visit_at=None, checked_in_at=None, request=None,
                        request_reason=None)), now)
        enqueue(s, now, ClientRematch(), to=To.chat(order.client_id, order.id))
        enqueue(s, now, MasterRequestDecided(request="release", approved=True),
                to=To.chat(master.user_id, order.id))
        revoke_job(s, now, order.id, master.user_id)
        return await order_view(s, order)
