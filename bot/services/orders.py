"""Orders: submit, list, reject, cancel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.area import area_of
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.limits import OPEN_FOR_CAP, check_order_quota, day_start
from bot.domain.order_request import OrderRequest
from bot.domain.rules import MAX_DESCRIPTION, Actor, clip
from bot.domain.states import Action, Role, Status
from bot.domain.views import OrderView
from bot.events import (
    ClientCancelled,
    ClientRejected,
    DeskClientCancelled,
    MasterOrderCancelled,
    OrderTopicOpened,
    To,
)
from bot.services.base import Context, audit, enqueue, enqueue_album
from bot.services.clocks import plan
from bot.services.common import (
    close_pending_offers,
    load_order,
    master_user_id,
)
from bot.services.job_messages import revoke_job
from bot.services.transition import Step, transition
from bot.services.views import new_order_view, order_view, order_views
from db import orders, users

REJECT_REASONS = ("forbidden", "job_request", "no_masters", "false_data", "technical")
CANCEL_REASONS = ("changed_mind", "found_other", "too_long", "price", "other")


async def submit_order(ctx: Context, client_id: int, request: OrderRequest) -> OrderView:
    """Turn a confirmed request into an order. A second Confirm of the same draft (a double tap,
    a replayed update) returns the order the first one created."""
    if not (request.address or request.latitude is not None):
        raise InvalidInput("error.draft_incomplete")
    try:
        return await _submit(ctx, client_id, request)
    except IntegrityError:
        # A concurrent Confirm of the same draft won the unique draft token: answer with its
        # order, as if this tap had come second.
        async with ctx.tx() as s:
            existing = await orders.by_draft(s, request.token)
            if existing is None:
                raise Conflict("error.conflict") from None
            return await order_view(s, existing)


def place_area(ctx: Context, district: str | None, address: str | None, lat: float | None,
               lon: float | None) -> tuple[str | None, str]:
    """The district (only one the desk works with) and the coarse area stored with a place:
    what offers and topic titles show before anyone has accepted [SPEC §6]."""
    known = district if district in ctx.policy.districts else None
    return known, known or area_of(address, lat, lon)


async def may_order(ctx: Context, client_id: int) -> None:
    """Refuse up front a New order that Confirm would refuse (blocked, or a cap reached), so
    the client does not type everything in vain. `submit_order` checks again: it decides."""
    async with ctx.read() as s:
        client = await users.get(s, client_id)
        if client is not None and client.blocked:
            raise NotAllowed("error.client_blocked")
        await _check_quota(ctx, s, client_id, ctx.clock())


async def _check_quota(ctx: Context, s: AsyncSession, client_id: int, now: datetime) -> None:
    policy = ctx.policy
    if policy.max_open_orders is None and policy.max_orders_per_day is None:
        return
    open_orders, today = await orders.counts_of_client(
        s, client_id, [st.value for st in OPEN_FOR_CAP], day_start(now, policy.timing.desk.tz))
    check_order_quota(open_orders, today, policy.max_open_orders, policy.max_orders_per_day)


async def _submit(ctx: Context, client_id: int, request: OrderRequest) -> OrderView:
    now = ctx.clock()
    async with ctx.tx() as s:
        existing = await orders.by_draft(s, request.token)
        if existing is not None:
            return await order_view(s, existing)
        # Locked (on PostgreSQL) so two Confirms of different drafts cannot both pass the caps.
        client = await users.locked(s, client_id)
        if client is not None and client.blocked:
            raise NotAllowed("error.client_blocked")
        await _check_quota(ctx, s, client_id, now)
        service = await users.service_row(s, request.service) if request.service else None
        if service is None or not service.active:
            raise InvalidInput("error.service_unknown")
        urgent = request.urgent
        district, area = place_area(ctx, request.district, request.address, request.latitude,
                                    request.longitude)
        order = await orders.add(
            s, draft_token=request.token, client_id=client_id, service=service.code,
            description=clip(request.description, MAX_DESCRIPTION),
            photos=list(request.photos), address=request.address, latitude=request.latitude,
            longitude=request.longitude, district=district,
            area=area,
            urgent=urgent,
            surcharge_percent=ctx.policy.urgent_surcharge_percent if urgent else 0,
            visit_date=request.visit_date, visit_slot=request.visit_slot, phone=request.phone,
            payment=request.payment, status=Status.SUBMITTED, created_at=now, updated_at=now,
            desk_chat_id=ctx.policy.desks.route(district, service.code),
        )
        await plan(ctx, s, order, now, new=True)
        audit(s, now, actor_id=client_id, role=Role.CLIENT, action="submit", order_id=order.id,
              to_status=Status.SUBMITTED)
        enqueue(s, now, OrderTopicOpened(), to=To.desk(order.id))
        # The client's photos right under the card (the row waits for the topic to open).
        enqueue_album(s, now, order.photos or (), "order", order_id=order.id)
        return new_order_view(order, client)


async def my_orders(ctx: Context, client_id: int, limit: int = 20) -> list[OrderView]:
    async with ctx.read() as s:
        return await order_views(s, await orders.of_client(s, client_id, limit))


async def get_order(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """An order as its client, its master or the desk may see it; NotFound for anyone else.
    A master who is only offered the job is not its master yet: he sees the offer, not this."""
    async with ctx.read() as s:
        order = await orders.get(s, order_id)
        if order is None or not (
            actor.is_desk or order.client_id == actor.user_id
            or (actor.master_id is not None and actor.master_id == order.master_id)
        ):
            raise NotFound("error.not_found")
        return await order_view(s, order)


async def reject_order(ctx: Context, actor: Actor, order_id: int, reason: str) -> OrderView:
    if reason not in REJECT_REASONS:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        await transition(ctx, s, order, Step(Action.REJECT, actor, values=dict(reason=reason),
                                             reason=reason), now)
        enqueue(s, now, ClientRejected(reason=reason), to=To.chat(order.client_id, order.id))
        return await order_view(s, order)


async def cancel_order(ctx: Context, actor: Actor, order_id: int, reason: str,
                       note: str | None = None) -> OrderView:
    """Cancel with a reason (SPEC §2.2; "other" may carry the client's words in `note`). A
    client cancelling once the visit is agreed (the master may be on his way) is flagged to
    the desk."""
    if reason not in CANCEL_REASONS:
        raise InvalidInput("error.invalid_input")
    note = clip(" ".join(note.split()), 300) if note and note.strip() else None
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        master_id = order.master_id
        moved = await transition(ctx, s, order, Step(
            Action.CANCEL, actor, values=dict(reason=reason, offered_master_id=None),
            reason=f"{reason}: {note}" if note else reason), now)
        prev, role = moved.before, moved.role
        await close_pending_offers(s, order.id, "cancelled", now)
        if master_id:  # the offered master's offer message says so (close_pending_offers)
            uid = await master_user_id(s, master_id)
            enqueue(s, now, MasterOrderCancelled(), to=To.chat(uid, order.id))
            revoke_job(s, now, order.id, uid)
        if role != Role.CLIENT:
            enqueue(s, now, ClientCancelled(reason=reason), to=To.chat(order.client_id, order.id))
        else:
            # After the visit was agreed (late): the master may be on his way.
            enqueue(s, now, DeskClientCancelled(reason=reason, note=note,
                                                late=prev == Status.SCHEDULED),
                    to=To.desk(order.id))
        return await order_view(s, order)
