"""The end of a job: the completion report, the client's one-time code [C 二.8]."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.money import check_amount, plain
from bot.domain.pricing import (
    MAX_NOTES,
    check_final_price,
    check_text,
    check_warranty,
    price_cap,
)
from bot.domain.rules import (
    MAX_PHOTOS,
    Actor,
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
from bot.services.common import load_order, master_user_id
from bot.services.transition import Step, authorised, transition
from bot.services.views import order_view, price_items
from db import audit as audit_log
from db import orders, prices, users
from db.models import Order


def _not_stopped(order: Order) -> None:
    if order.stopped:
        raise NotAllowed("error.job_stopped")


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
        step = Step(Action.REPORT, actor, master_id=order.master_id,
                    reason=plain(price, ctx.policy.money), values=dict(
                        final_price=price, report_photos=list(photos[:MAX_PHOTOS]),
                        code_hash=hash_code(ctx.policy.code_secret, order.id, code),
                        code_attempts=0, code_locked=False, warranty_months=warranty_months,
                        report_notes=notes, reported_at=now))
        authorised(step, order)
        _not_stopped(order)
        service = await users.service(s, order.service)
        check_warranty(warranty_months, service.warranty_min_months if service else 1)
        await transition(ctx, s, order, step, now)
        # The agreed price is read only now that the compare-and-set holds the order's row: a
        # quote the client accepted a moment ago counts. A refusal rolls all of this back.
        check_final_price(price, price_cap(await price_items(s, order.id)))
        # What the client never answered is closed with the report.
        await prices.withdraw_open(s, order.id, now)
        # The finished work, seen by the client with the act (the photos first, so the act
        # with its code and button stays the last message) and by the desk in the topic.
        shots = order.report_photos or ()
        enqueue_album(s, now, shots, "report", order_id=order.id, chat_id=order.client_id)
        enqueue(s, now, ClientCode(code=code, done_at=now), to=To.chat(order.client_id, order.id))
        enqueue(s, now, DeskNote(note="reported"), to=To.desk(order.id))
        enqueue_album(s, now, shots, "report", order_id=order.id)
        return await order_view(s, order)


async def confirm_with_code(ctx: Context, actor: Actor, order_id: int, code: str) -> CodeResult:
    """The master types the client's code. Wrong codes are counted; at the limit the order is
    locked and the desk alerted, so a code cannot be guessed. What does not look like a code
    is refused with a hint and not counted."""
    limit = ctx.policy.max_code_attempts
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        role, _to = authorised(Step(Action.CONFIRM_CODE, actor), order)
        _not_stopped(order)
        if order.code_locked:
            raise NotAllowed("error.code_locked")
        code = check_code_format(code)  # anything else is talk, not a guess: not counted
        if code_matches(ctx.policy.code_secret, order.id, code, order.code_hash):
            await transition(ctx, s, order, Step(
                Action.CONFIRM_CODE, actor, role, master_id=order.master_id,
                values=dict(completed_at=now, code_hash=None)), now)
            enqueue(s, now, ClientCompleted(), to=To.chat(order.client_id, order.id))
            enqueue(s, now, DeskNote(note="completed"), to=To.desk(order.id))
            return CodeResult(True, limit, False)
        attempts = order.code_attempts + 1
        locked = attempts >= limit
        await orders.set_code_state(s, order, now, code_attempts=attempts, code_locked=locked)
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
        await transition(ctx, s, order, Step(
            Action.ACCEPT_WORK, actor, guard=_not_stopped, master_id=order.master_id,
            values=dict(completed_at=now, code_hash=None)), now)
        if order.master_id:
            enqueue(s, now, MasterAccepted(),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        enqueue(s, now, DeskNote(note="accepted"), to=To.desk(order.id))
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
        last = await audit_log.last_at(s, order.id, "reissue_code")
        if last is not None and now - last < REISSUE_WINDOW:
            return await order_view(s, order)  # a double tap: the client has the new code
        await orders.set_code_state(s, order, now, refresh=True, code_attempts=0,
                                    code_locked=False,
                                    code_hash=hash_code(ctx.policy.code_secret, order.id, code))
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="reissue_code",
              order_id=order.id)
        reported = await audit_log.last_at(s, order.id, Action.REPORT)
        enqueue(s, now, ClientCode(code=code, done_at=reported or now),
                to=To.chat(order.client_id, order.id))
        if order.master_id:
            enqueue(s, now, MasterCodeReissued(),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)
