"""Warranty claims (SPEC §2.7, [R §5]): the client opens one on a completed order within its
warranty, with photos; the desk decides — rework by a deadline, a partial refund, or
rejected with a reason — and the order is completed again."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.complaints import (
    DECISIONS,
    REJECT_REASONS,
    REWORK_HOURS,
    check_claim,
    check_refund,
)
from bot.domain.deadlines import Kind, Sla, warranty_ends_at
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.money import plain
from bot.domain.rules import MAX_PHOTOS, Actor, desk_only
from bot.domain.states import Action, Role, Status
from bot.domain.views import OrderView
from bot.events import (
    ClientResolution,
    DeskNote,
    MasterClaim,
    MasterResolution,
    OrderTitleChanged,
    Relay,
    To,
)
from bot.services import clocks
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import desk_order, load_order, master_user_id
from bot.services.transition import Step, authorised, transition
from bot.services.views import order_view
from db import orders, users


async def open_claim(ctx: Context, actor: Actor, order_id: int, text: str,
                     photos: list[str]) -> OrderView:
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        authorised(Step(Action.DISPUTE, actor), order)  # a stranger is refused, not corrected
        body = check_claim(text, photos, now, warranty_ends_at(
            order.reported_at, order.warranty_months, ctx.policy.timing.desk.tz))
        shots = list(photos[:MAX_PHOTOS])
        await transition(ctx, s, order, Step(
            Action.DISPUTE, actor, master_id=order.master_id, reason=body,
            values=dict(complaint=body, complaint_photos=shots, resolution=None,
                        resolution_note=None, refund=None, rework_due=None)), now)
        client = await users.get(s, order.client_id)
        enqueue(s, now, DeskNote(note="claim", text=body), to=To.desk(order.id))
        for photo in shots:  # the photos into the topic, like anything the client sends
            enqueue(s, now, Relay(side="client", content="photo", text="", file_id=photo,
                                  name=client.first_name if client else ""), to=To.desk(order.id))
        if order.master_id:
            enqueue(s, now, MasterClaim(text=body),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        return await order_view(s, order)


async def resolve_claim(ctx: Context, actor: Actor, order_id: int, decision: str, *,
                        hours: int | None = None, amount: int | None = None,
                        reason: str | None = None) -> OrderView:
    """The desk's decision; the order is completed again and both sides are told."""
    desk_only(actor)
    if decision not in DECISIONS:
        raise InvalidInput("error.invalid_input")
    if decision == "rework" and hours not in REWORK_HOURS:
        raise InvalidInput("error.invalid_input")
    if decision == "rejected" and reason not in REJECT_REASONS:
        raise InvalidInput("error.invalid_input")
    if decision == "refund" and amount is None:
        raise InvalidInput("error.price_format")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        authorised(Step(Action.RESOLVE, actor), order)
        due = now + timedelta(hours=hours or 0) if decision == "rework" else None
        refund = check_refund(amount, order.final_price) \
            if decision == "refund" and amount is not None else None
        money = plain(refund, ctx.policy.money) if refund is not None else ""
        detail = {"rework": f"+{hours}h", "refund": money, "rejected": reason}[decision]
        await transition(ctx, s, order, Step(
            Action.RESOLVE, actor, master_id=order.master_id, reason=f"{decision} {detail}",
            values=dict(resolution=decision, rework_due=due, refund=refund,
                        resolution_note=reason)), now)
        if due is not None:  # the desk hears of it when the rework is due (SPEC §2.7)
            clocks.add(ctx, s, order.id, Kind.REWORK, due, now)
        told = ClientResolution(decision=decision, due=due, amount=refund, reason=reason)
        enqueue(s, now, told, to=To.chat(order.client_id, order.id))
        if order.master_id:
            enqueue(s, now, MasterResolution(decision, due, refund, reason),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        return await order_view(s, order)


async def rework_done(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The desk checked with the client: the rework is done; its deadline is met."""
    async with desk_order(ctx, actor, order_id) as (s, order, now):
        if order.status != Status.COMPLETED or order.rework_due is None:
            raise NotAllowed("error.wrong_state")
        await clocks.cancel(s, [order.id], [Kind.REWORK])
        late = order.sla_kind == Kind.REWORK.value and order.sla_state != Sla.OK
        await orders.save(s, order, rework_due=None, updated_at=now,
                          **({"sla_state": Sla.OK.value, "sla_kind": None, "sla_due_at": None}
                             if late else {}))
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="rework_done",
              order_id=order.id, master_id=order.master_id)
        if late and order.topic_id is not None:
            enqueue(s, now, OrderTitleChanged(), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)
