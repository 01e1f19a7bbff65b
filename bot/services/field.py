"""The field workflow: the master calls the client, the visit is agreed, the master checks in
on site; the client may stop the job at any moment and only the desk resumes it [H]."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import NotAllowed
from bot.domain.geo import check_point, distance_m
from bot.domain.rules import ARRIVAL_WINDOW, Actor, arrival_deviation
from bot.domain.states import Action, Role, Status
from bot.domain.views import OrderView
from bot.events import (
    ClientArrived,
    ClientResumed,
    ClientVisitSet,
    DeskNote,
    MasterResumed,
    MasterStopped,
    To,
)
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.clocks import pause_clocks, resume_clocks
from bot.services.common import desk_order, load_order, master_user_id
from bot.services.transition import Step, transition
from bot.services.views import order_view
from db import masters, orders
from db.models import Order

IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)


def _not_stopped(order: Order) -> None:
    if order.stopped:
        raise NotAllowed("error.job_stopped")


def _not_yet_scheduled(order: Order) -> None:
    """Once agreed, the visit moves only by a proposal the other side accepts."""
    _not_stopped(order)
    if order.status == Status.SCHEDULED:
        raise NotAllowed("error.visit_propose")


async def mark_contacted(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """[C 2(1)] the master confirms he has called the client (meets the 2-hour callback)."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        await transition(ctx, s, order, Step(Action.CONTACT, actor, guard=_not_stopped,
                                             master_id=order.master_id), now)
        enqueue(s, now, DeskNote(note="contacted"), to=To.desk(order.id))
        return await order_view(s, order)


async def schedule_visit(ctx: Context, actor: Actor, order_id: int,
                         visit_at: datetime) -> OrderView:
    """The visit time agreed on the call is recorded directly; both sides and the desk see
    it. Once agreed it moves only by a proposal the other side accepts (services.visits)."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        # A proposal left over from an earlier master (released) has nothing to do with this.
        await transition(ctx, s, order, Step(
            Action.SCHEDULE, actor, guard=_not_yet_scheduled, master_id=order.master_id,
            values=dict(visit_at=visit_at, proposed_visit_at=None, proposed_by=None),
            reason=visit_at.isoformat()), now)
        enqueue(s, now, ClientVisitSet(), to=To.chat(order.client_id, order.id))
        enqueue(s, now, DeskNote(note="scheduled"), to=To.desk(order.id))
        return await order_view(s, order)


async def check_in(ctx: Context, actor: Actor, order_id: int, lat: float | None = None,
                   lon: float | None = None) -> tuple[OrderView, int]:
    """[C 3(2)] the master is on site, with his shared location or by the button; returns
    the order and the minutes late (negative: early) against the agreed time. The desk note
    says whether a location was shared and, when the client's point is known, how far from
    it; outside the ±1 h window it is a warning. An open proposal of a new time lapses."""
    if lat is None or lon is None:
        lat = lon = None  # by the button: no location at all, never half of one
    else:
        check_point(lat, lon)
    located = lat is not None
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        deviation = arrival_deviation(order.visit_at or now, now)
        minutes = int(deviation.total_seconds() // 60)
        distance = None
        if lat is not None and lon is not None and order.latitude is not None \
                and order.longitude is not None:
            distance = round(distance_m(order.latitude, order.longitude, lat, lon))
        reason = f"{minutes:+d} min"
        if located:
            reason += ", location" + (f" {distance} m away" if distance is not None else "")
        await transition(ctx, s, order, Step(
            Action.CHECK_IN, actor, guard=_not_stopped, master_id=order.master_id,
            values=dict(checked_in_at=now, checkin_lat=lat, checkin_lon=lon,
                        proposed_visit_at=None, proposed_by=None), reason=reason), now)
        enqueue(s, now, ClientArrived(), to=To.chat(order.client_id, order.id))
        in_window = abs(deviation) <= ARRIVAL_WINDOW
        enqueue(s, now, DeskNote(note="on_site" if in_window else "on_site_outside",
                                 minutes=minutes, located=located, distance=distance),
                to=To.desk(order.id))
        return await order_view(s, order), minutes


async def stop_job(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """[H] The client stops the job for safety: frozen, the master told to stop, the desk
    alerted at once; the clocks hold until the desk resumes or cancels."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        if order.client_id != actor.user_id:
            raise NotAllowed("error.not_allowed")
        if order.status not in (*IN_WORK, Status.AWAITING_CONFIRMATION):
            raise NotAllowed("error.wrong_state")
        await orders.stop(s, order, now)
        await pause_clocks(s, order.id, now)
        audit(s, now, actor_id=actor.user_id, role=Role.CLIENT, action="stop",
              order_id=order.id, master_id=order.master_id)
        if order.master_id:
            enqueue(s, now, MasterStopped(),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        enqueue(s, now, DeskNote(note="stopped"), to=To.desk(order.id))
        card_changed(s, now, order.id)
        await s.refresh(order)
        return await order_view(s, order)


async def resume_job(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """Only the desk resumes a stopped job; the held time is added back to its clocks."""
    async with desk_order(ctx, actor, order_id) as (s, order, now):
        await orders.unstop(s, order, now)
        await resume_clocks(ctx, s, order.id, now)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="resume",
              order_id=order.id, master_id=order.master_id)
        master = await masters.get(s, order.master_id) if order.master_id else None
        if master is not None and not master.blocked:  # a blocked master is sent no job
            enqueue(s, now, MasterResumed(), to=To.chat(master.user_id, order.id))
        enqueue(s, now, ClientResumed(), to=To.chat(order.client_id, order.id))
        card_changed(s, now, order.id)
        await s.refresh(order)
        return await order_view(s, order)
