"""Cancel an order (SPEC §2.2): from the order's view → a reason (the list, or "another" in
his own words) → confirm. The service decides whether the client may still cancel [R §3]."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Action, Role, can
from bot.domain.views import MasterView
from bot.i18n import _
from bot.notify.render import CANCEL_REASON_NAMES, button, q
from bot.services.base import Context
from bot.services.orders import CANCEL_REASONS, cancel_order, get_order
from fsm.states import CancelOrder
from handlers.inputs import message_of
from handlers.keyboards import menu, with_cancel

router = Router(name="client_cancel")
OTHER = CANCEL_REASONS.index("other")


async def _own(ctx: Context, actor: Actor, order_id: int) -> None:
    """Only his own order, and only while the client may still cancel it."""
    order = await get_order(ctx, actor, order_id)
    if order.client_id != actor.user_id:
        raise NotFound("error.not_found")
    if not can(order.status, Action.CANCEL, Role.CLIENT):
        raise NotAllowed("error.cancel_too_late")


def _confirm_kb(order_id: int, reason: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [button(_("✖️ Yes, cancel the order"), "ccy", order_id, reason)],
        [button(_("↩️ No, keep it"), "ccn", order_id)]])


@router.callback_query(Cb.filter(F.a == "ccan"))
async def pick_reason(query: CallbackQuery, callback_data: Cb, ctx: Context,
                      actor: Actor) -> None:
    await _own(ctx, actor, callback_data.o)
    rows = [[button(_(CANCEL_REASON_NAMES[r]), "ccr", callback_data.o, i)]
            for i, r in enumerate(CANCEL_REASONS)]
    rows.append([button(_("↩️ No, keep it"), "ccn", callback_data.o)])
    await query.answer()
    await message_of(query).answer(
        _("Why do you want to cancel order #{number}?").format(number=callback_data.o),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(Cb.filter(F.a == "ccr"))
async def reason_picked(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                        state: FSMContext) -> None:
    if not 0 <= callback_data.x < len(CANCEL_REASONS):
        raise NotAllowed("error.outdated")
    await _own(ctx, actor, callback_data.o)
    await query.answer()
    message = message_of(query)
    await message.edit_reply_markup(reply_markup=None)
    if callback_data.x == OTHER:
        await state.set_state(CancelOrder.other)
        await state.set_data({"order_id": callback_data.o})
        await message.answer(_("Tell us in a few words why you cancel:"),
                             reply_markup=with_cancel())
        return
    reason = _(CANCEL_REASON_NAMES[CANCEL_REASONS[callback_data.x]])
    await message.answer(
        _("Cancel order #{number}? Reason: {reason}").format(number=callback_data.o,
                                                              reason=reason),
        reply_markup=_confirm_kb(callback_data.o, callback_data.x))


@router.message(CancelOrder.other, F.text)
async def other_reason(message: Message, state: FSMContext) -> None:
    text = " ".join((message.text or "").split())
    if len(text) < 3 or text.startswith("/"):
        await message.answer(_("Please type the reason in a few words."))
        return
    order_id = int((await state.get_data())["order_id"])
    await state.update_data(note=text[:300])
    await message.answer(
        _("Cancel order #{number}? Reason: {reason}").format(number=order_id, reason=q(text)),
        reply_markup=_confirm_kb(order_id, OTHER))


@router.message(CancelOrder.other)
async def other_not_text(message: Message) -> None:
    await message.answer(_("Please type the reason in a few words."))


@router.callback_query(Cb.filter(F.a == "ccy"))
async def confirmed(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                    state: FSMContext, master: MasterView | None = None) -> None:
    if not 0 <= callback_data.x < len(CANCEL_REASONS):
        raise NotAllowed("error.outdated")
    data = await state.get_data()
    note = data.get("note") if data.get("order_id") == callback_data.o else None
    order = await cancel_order(ctx, actor, callback_data.o, CANCEL_REASONS[callback_data.x],
                               note)
    await state.clear()
    await query.answer()
    await message_of(query).edit_text(_("Order #{number} is cancelled. The desk and the master "
                                        "have been told.").format(number=order.id))
    await message_of(query).answer(_("What would you like to do?"), reply_markup=menu(master))


@router.callback_query(Cb.filter(F.a == "ccn"))
async def kept(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() == CancelOrder.other.state:
        await state.clear()
    await query.answer()
    await message_of(query).edit_text(_("Good: the order stays as it is."))
