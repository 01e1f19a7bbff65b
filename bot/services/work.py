"""The end of a job: the completion report, the client's one-time code [C 二.8]."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.rules import MAX_PHOTOS, Actor, authorize, code_matches, hash_code, new_code
from bot.domain.states import Action, Role, Status
from bot.domain.views import CodeResult, OrderView
from bot.services.base import Context, audit, enqueue
from bot.services.common import cas_status, load_order, master_user_id, parties
from bot.services.views import order_view
from db.models import Order


async def report_completion(
    ctx: Context, actor: Actor, order_id: int, photos: list[str], price: Decimal
) -> OrderView:
    """The master says the work is done. Only now does the client get the code."""
    if not photos:
        raise InvalidInput("error.report_needs_photo")
    if price <= 0:
        raise InvalidInput("error.price_format")
    now = ctx.clock()
    code = new_code()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        prev = order.status
        role, to = authorize(actor, parties(order), Action.REPORT)
        if order.stopped:
            raise NotAllowed("error.job_stopped")
        await cas_status(ctx, s, order, to, now, final_price=price,
                         report_photos=list(photos[:MAX_PHOTOS]),
                         code_hash=hash_code(order.id, code), code_attempts=0, code_locked=False)
        audit(s, now, actor_id=actor.user_id, role=role, action=Action.REPORT, order_id=order.id,
              master_id=order.master_id, from_status=prev, to_status=to, reason=str(price))
        enqueue(s, now, "client_code", chat_id=order.client_id, order_id=order.id, code=code)
        enqueue(s, now, "desk_note", order_id=order.id, note="reported")
        enqueue(s, now, "order_card", order_id=order.id)
        return await order_view(s, order)


async def confirm_with_code(ctx: Context, actor: Actor, order_id: int, code: str) -> CodeResult:
    """The master types the client's code. Wrong codes are counted; at the limit the order is
    locked and the desk alerted, so a code cannot be guessed."""
    limit = ctx.policy.max_code_attempts
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        prev = order.status
        role, to = authorize(actor, parties(order), Action.CONFIRM_CODE)
        if order.stopped:
            raise NotAllowed("error.job_stopped")
        if order.code_locked:
            raise NotAllowed("error.code_locked")
        if code_matches(order.id, code, order.code_hash):
            await cas_status(ctx, s, order, to, now, completed_at=now, code_hash=None)
            audit(s, now, actor_id=actor.user_id, role=role, action=Action.CONFIRM_CODE,
                  order_id=order.id, master_id=order.master_id, from_status=prev, to_status=to)
            enqueue(s, now, "client_completed", chat_id=order.client_id, order_id=order.id)
            enqueue(s, now, "desk_note", order_id=order.id, note="completed")
            enqueue(s, now, "order_card", order_id=order.id)
            return CodeResult(True, limit, False)
        attempts = order.code_attempts + 1
        locked = attempts >= limit
        result = await s.execute(
            update(Order).where(Order.id == order.id, Order.status == prev,
                                Order.code_attempts == order.code_attempts)
            .values(code_attempts=attempts, code_locked=locked, updated_at=now)
        )
        if result.rowcount != 1:
            raise Conflict("error.conflict")
        audit(s, now, actor_id=actor.user_id, role=role, action="wrong_code", order_id=order.id,
              master_id=order.master_id, reason=f"{attempts}/{limit}")
        if locked:
            enqueue(s, now, "desk_note", order_id=order.id, note="code_locked")
            enqueue(s, now, "order_card", order_id=order.id)
        return CodeResult(False, max(limit - attempts, 0), locked)


async def accept_work(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The client accepts the work with a tap instead of giving the code [C 二.8]."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        prev = order.status
        role, to = authorize(actor, parties(order), Action.ACCEPT_WORK)
        if order.stopped:
            raise NotAllowed("error.job_stopped")
        await cas_status(ctx, s, order, to, now, completed_at=now, code_hash=None)
        audit(s, now, actor_id=actor.user_id, role=role, action=Action.ACCEPT_WORK,
              order_id=order.id, master_id=order.master_id, from_status=prev, to_status=to)
        if order.master_id:
            enqueue(s, now, "master_accepted", chat_id=await master_user_id(s, order.master_id),
                    order_id=order.id)
        enqueue(s, now, "desk_note", order_id=order.id, note="accepted")
        enqueue(s, now, "order_card", order_id=order.id)
        return await order_view(s, order)


async def reissue_code(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The desk unlocks a locked order: a fresh code goes to the client, attempts restart."""
    if not actor.is_desk:
        raise NotAllowed("error.not_allowed")
    now = ctx.clock()
    code = new_code()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        if order.status != Status.AWAITING_CONFIRMATION:
            raise NotAllowed("error.wrong_state")
        result = await s.execute(
            update(Order).where(Order.id == order.id, Order.status == order.status,
                                Order.code_attempts == order.code_attempts)
            .values(code_hash=hash_code(order.id, code), code_attempts=0, code_locked=False,
                    updated_at=now)
        )
        if result.rowcount != 1:
            raise Conflict("error.conflict")
        await s.refresh(order)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="reissue_code",
              order_id=order.id)
        enqueue(s, now, "client_code", chat_id=order.client_id, order_id=order.id, code=code)
        if order.master_id:
            enqueue(s, now, "master_code_reissued",
                    chat_id=await master_user_id(s, order.master_id), order_id=order.id)
        enqueue(s, now, "order_card", order_id=order.id)
        return await order_view(s, order)
