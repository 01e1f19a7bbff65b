"""Cancel an order (SPEC §2.2): from the order's view → a reason (the list, or "another" in
his own words) → confirm. The service decides whether the client may still cancel [R §3]."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.client_orders import (
    CancelReason,
    ClientAction,
    ClientOrder,
    cancel_confirm_keyboard,
    cancel_reasons_keyboard,
)
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Action, Role, can
from bot.domain.views import MasterView
from bot.i18n import _
from bot.notify.render import CANCEL_REASON_NAMES, q
from bot.services.base import Context
from bot.services.orders import CANCEL_REASONS, cancel_order, get_order
from fsm.states import CancelOrder
from handlers.inputs import close_press, leave_by_press, message_of
from handlers.keyboards import menu, with_cancel

OTHER = CANCEL_REASONS.index("other")


async def _own(ctx: Context, actor: Actor, order_id: int) -> None:
    """Only his own order, and only while the client may still cancel it."""
    order = await get_order(ctx, actor, order_id)
    if order.client_id != actor.user_id:
        raise NotFound("error.not_found")
    if not can(order.status, Action.CANCEL, Role.CLIENT):
        raise NotAllowed("error.cancel_too_late")


async def pick_reason(query: CallbackQuery, callback_data: ClientOrder, ctx: Context,
                      actor: Actor) -> None:
    order_id = callback_data.order_id
    await _own(ctx, actor, order_id)
    await query.answer()
    await message_of(query).answer(
        _("Why do you want to cancel order #{number}?").format(number=order_id),
        reply_markup=cancel_reasons_keyboard(
            order_id, [_(CANCEL_REASON_NAMES[r]) for r in CANCEL_REASONS]))


async def reason_picked(query: CallbackQuery, callback_data: CancelReason, ctx: Context,
                        actor: Actor, state: FSMContext) -> None:
    order_id, index = callback_data.order_id, callback_data.index
    if not 0 <= index < len(CANCEL_REASONS):
        raise NotAllowed("error.outdated")
    await _own(ctx, actor, order_id)
    message = await close_press(query)
    if index == OTHER:
        await state.set_state(CancelOrder.other)
        await state.set_data({"order_id": order_id})
        await message.answer(_("Tell us in a few words why you cancel:"),
                             reply_markup=with_cancel())
        return
    reason = _(CANCEL_REASON_NAMES[CANCEL_REASONS[index]])
    await message.answer(
        _("Cancel order #{number}? Reason: {reason}").format(number=order_id, reason=reason),
        reply_markup=cancel_confirm_keyboard(order_id, index))


async def other_reason(message: Message, state: FSMContext) -> None:
    text = " ".join((message.text or "").split())
    if len(text) < 3 or text.startswith("/"):
        await message.answer(_("Please type the reason in a few words."))
        return
    order_id = int((await state.get_data())["order_id"])
    await state.update_data(note=text[:300])
    await message.answer(
        _("Cancel order #{number}? Reason: {reason}").format(number=order_id, reason=q(text)),
        reply_markup=cancel_confirm_keyboard(order_id, OTHER))


async def other_not_text(message: Message) -> None:
    await message.answer(_("Please type the reason in a few words."))


async def confirmed(query: CallbackQuery, callback_data: CancelReason, ctx: Context,
                    actor: Actor, state: FSMContext, master: MasterView | None = None) -> None:
    order_id, index = callback_data.order_id, callback_data.index
    if not 0 <= index < len(CANCEL_REASONS):
        raise NotAllowed("error.outdated")
    data = await state.get_data()
    note = data.get("note") if data.get("order_id") == order_id else None
    order = await cancel_order(ctx, actor, order_id, CANCEL_REASONS[index], note)
    await state.clear()
    await query.answer()
    await message_of(query).edit_text(_("Order #{number} is cancelled. The desk and the master "
                                        "have been told.").format(number=order.id))
    await message_of(query).answer(_("What would you like to do?"), reply_markup=menu(master))


async def kept(query: CallbackQuery, state: FSMContext) -> None:
    await leave_by_press(query, state, CancelOrder.other, _("Good: the order stays as it is."))


def make_router() -> Router:
    router = Router(name="client_cancel")
    cb, msg = router.callback_query.register, router.message.register
    cb(pick_reason, ClientOrder.filter(F.action == ClientAction.CANCEL_MENU))
    cb(reason_picked, CancelReason.filter(F.action == ClientAction.CANCEL_REASON))
    msg(other_reason, CancelOrder.other, F.text)
    msg(other_not_text, CancelOrder.other)
    cb(confirmed, CancelReason.filter(F.action == ClientAction.CANCEL_CONFIRM))
    cb(kept, ClientOrder.filter(F.action == ClientAction.CANCEL_KEEP))
    return router
