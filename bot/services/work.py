"""The end of a job: the completion report, the client's one-time code [C 二.8]."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.money import check_amount, plain
from bot.domain.pricing import (
    MAX_NOTES,
    PROPOSED,
    WITHDRAWN,
    check_final_price,
    check_text,
    check_warranty,
    price_cap,
)
from bot.domain.rules import (
    MAX_PHOTOS,
    Actor,
    authorize,
    check_code_format,
    code_matches,
    hash_code,
    new_code,
)
from bot.domain.states import Action, Role, Status
from bot.domain.views import CodeResult, OrderView
from bot.events import (
    ClientCode,
    ClientCompleted,
    DeskNote,
    MasterAccepted,
    MasterCodeReissued,
    To,
)
from bot.services.base import Context, audit, card_changed, enqueue, enqueue_album
from bot.services.common import cas_status, load_order, master_user_id, parties
from bot.services.views import order_view, price_items
from db.models import AuditEntry, Order, PriceItem, Service


async def report_completion(
    ctx: Context, actor: Actor, order_id: int, photos: list[str], price: int, *,
    warranty_months: int, notes: str | None = None,
) -> OrderView:
    """The master says the work is done: photos, the final price (never above the accepted
    quote plus approved extras), the warranty [R §2, C 三.2] and notes. Only now does the
    client get the code, with the completion act."""
    if not photos:
        raise InvalidInput("error.report_needs_photo")
    price = check_amount(price, ctx.policy.money)  # minor units
    notes = check_text(notes, MAX_NOTES, required=False)
    now = ctx.clock()
    code = new_code()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        prev = order.status
        role, to = authorize(actor, parties(order), Action.REPORT)
        if order.stopped:
            raise NotAllowed("error.job_stopped")
        service = await s.get(Service, order.service)
        check_warranty(warranty_months, service.warranty_min_months if service else 1)
        await cas_status(ctx, s, order, to, now, final_price=price,
                         report_photos=list(photos[:MAX_PHOTOS]),
                         code_hash=hash_code(ctx.policy.code_secret, order.id, code),
                         code_attempts=0, code_locked=False, warranty_months=warranty_months,
                         report_notes=notes, reported_at=now)
        # The agreed price is read only now that the compare-and-set holds the order's row: a
        # quote the client accepted a moment ago counts. A refusal rolls all of this back.
        check_final_price(price, price_cap(await price_items(s, order.id)))
        await s.execute(  # what the client never answered is closed with the report
            update(PriceItem).where(PriceItem.order_id == order.id,
                                    PriceItem.status == PROPOSED)
            .values(status=WITHDRAWN, decided_at=now))
        audit(s, now, actor_id=actor.user_id, role=role, action=Action.REPORT, order_id=order.id,
              master_id=order.master_id, from_status=prev, to_status=to,
              reason=plain(price, ctx.policy.money))
        # The finished work, seen by the client with the act (the photos first, so the act
        # with its code and button stays the last message) and by the desk in the topic.
        shots = order.report_photos or ()
        enqueue_album(s, now, shots, "report", order_id=order.id, chat_id=order.client_id)
        enqueue(s, now, ClientCode(code=code, done_at=now), to=To.chat(order.client_id, order.id))
        enqueue(s, now, DeskNote(note="reported"), to=To.desk(order.id))
        enqueue_album(s, now, shots, "report", order_id=order.id)
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def confirm_with_code(ctx: Context, actor: Actor, order_id: int, code: str) -> CodeResult:
    """The master types the client's code. Wrong codes are counted; at the limit the order is
    locked and the desk alerted, so a code cannot be guessed. What does not look like a code
    is refused with a hint and not counted."""
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
        code = check_code_format(code)  # anything else is talk, not a guess: not counted
        if code_matches(ctx.policy.code_secret, order.id, code, order.code_hash):
            await cas_status(ctx, s, order, to, now, completed_at=now, code_hash=None)
            audit(s, now, actor_id=actor.user_id, role=role, action=Action.CONFIRM_CODE,
                  order_id=order.id, master_id=order.master_id, from_status=prev, to_status=to)
            enqueue(s, now, ClientCompleted(), to=To.chat(order.client_id, order.id))
            enqueue(s, now, DeskNote(note="completed"), to=To.desk(order.id))
            card_changed(s, now, order.id)
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
            enqueue(s, now, DeskNote(note="code_locked"), to=To.desk(order.id))
            card_changed(s, now, order.id)
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
            enqueue(s, now, MasterAccepted(),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        enqueue(s, now, DeskNote(note="accepted"), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


REISSUE_WINDOW = timedelta(seconds=60)


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
        last = await s.scalar(select(func.max(AuditEntry.created_at)).where(
            AuditEntry.order_id == order.id, AuditEntry.action == "reissue_code"))
        if last is not None and now - last < REISSUE_WINDOW:
            return await order_view(s, order)  # a double tap: the client has the new code
        result = await s.execute(
            update(Order).where(Order.id == order.id, Order.status == order.status,
                                Order.code_attempts == order.code_attempts)
            .values(code_hash=hash_code(ctx.policy.code_secret, order.id, code), code_attempts=0,
                    code_locked=False, updated_at=now)
        )
        if result.rowcount != 1:
            raise Conflict("error.conflict")
        await s.refresh(order)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="reissue_code",
              order_id=order.id)
        reported = await s.scalar(select(func.max(AuditEntry.created_at)).where(
            AuditEntry.order_id == order.id, AuditEntry.action == Action.REPORT))
        enqueue(s, now, ClientCode(code=code, done_at=reported or now),
                to=To.chat(order.client_id, order.id))
        if order.master_id:
            enqueue(s, now, MasterCodeReissued(),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)
