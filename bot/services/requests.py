"""A master's requests to the desk: more time [C 4(1)], or to be released from a job [V]
(a master cannot cancel an accepted job; the desk decides). One open request per order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.domain.deadlines import Kind
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.rules import Actor, authorize, own_job
from bot.domain.states import Action, Role, Status
from bot.domain.views import OrderView
from bot.events import ClientRematch, DeskNote, MasterRequestDecided, To
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import cas_status, load_order, master_user_id, parties
from bot.services.deadlines import move_deadline
from bot.services.job_messages import revoke_job
from bot.services.views import order_view
from db.models import Deadline, Master, Order

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
        order = await load_order(s, order_id)
        own_job(actor, parties(order))
        if order.status not in IN_WORK:
            raise NotAllowed("error.wrong_state")
        result = await s.execute(
            update(Order).where(Order.id == order.id, Order.request.is_(None),
                                Order.status == order.status)
            .values(request=kind, request_reason=reason, updated_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict("error.request_open")
        audit(s, now, actor_id=actor.user_id, role=Role.MASTER, action=f"ask_{kind}",
              order_id=order.id, master_id=order.master_id, reason=reason)
        enqueue(s, now, DeskNote(note=f"ask_{kind}", reason=reason), to=To.desk(order.id))
        card_changed(s, now, order.id)
        await s.refresh(order)
        return await order_view(s, order)


async def _take_request(s, order: Order, kind: str, now) -> str:  # type: ignore[no-untyped-def]
    """Close the open request (compare-and-set: two managers cannot both decide it)."""
    result = await s.execute(
        update(Order).where(Order.id == order.id, Order.request == kind)
        .values(request=None, request_reason=None, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("error.already_decided")
    reason = order.request_reason or ""
    await s.refresh(order)
    return reason


async def decide_extension(ctx: Context, actor: Actor, order_id: int,
                           hours: int | None) -> OrderView:
    """Approve with `hours` more (the completion deadline moves and it is recorded), or refuse
    with None."""
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
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
            due = await s.scalar(select(Deadline.due_at).where(
                Deadline.order_id == order.id, Deadline.kind == Kind.COMPLETION.value,
                Deadline.state == "pending"))
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
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        reason = await _take_request(s, order, "release", now)
        master_id = order.master_id
        uid = await master_user_id(s, master_id) if master_id else None
        if approve:
            prev = order.status
            role, to = authorize(actor, parties(order), Action.RELEASE)
            await cas_status(ctx, s, order, to, now, master_id=None, visit_at=None,
                             checked_in_at=None)
            audit(s, now, actor_id=actor.user_id, role=role, action="release",
                  order_id=order.id, master_id=master_id, from_status=prev, to_status=to,
                  reason=reason)
            enqueue(s, now, ClientRematch(), to=To.chat(order.client_id, order.id))
            if uid:
                revoke_job(s, now, order.id, uid)
        else:
            audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="refuse_release",
                  order_id=order.id, master_id=master_id, reason=reason)
        if uid:
            enqueue(s, now, MasterRequestDecided(request="release", approved=approve),
                    to=To.chat(uid, order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def take_away(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The desk takes a job from a blocked master: back to matching, the client told."""
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        master = await s.get(Master, order.master_id) if order.master_id else None
        if master is None or not master.blocked:
            raise NotAllowed("error.master_not_blocked")
        prev = order.status
        role, to = authorize(actor, parties(order), Action.RELEASE)
        await cas_status(ctx, s, order, to, now, master_id=None, visit_at=None,
                         checked_in_at=None, request=None, request_reason=None)
        audit(s, now, actor_id=actor.user_id, role=role, action="take_away", order_id=order.id,
              master_id=master.id, from_status=prev, to_status=to, reason="blocked")
        enqueue(s, now, ClientRematch(), to=To.chat(order.client_id, order.id))
        enqueue(s, now, MasterRequestDecided(request="release", approved=True),
                to=To.chat(master.user_id, order.id))
        revoke_job(s, now, order.id, master.user_id)
        card_changed(s, now, order.id)
        return await order_view(s, order)
