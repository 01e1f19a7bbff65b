"""The desk's decision on a warranty claim that needs typing: the partial refund's amount.
(Rework and rejection are buttons on the card, in handlers/desk/orders.py.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.desk import DeskAction, DeskOrder, refund_confirm
from bot.domain.complaints import check_refund
from bot.domain.errors import DomainError
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.complaints import resolve_claim
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.states import DeskInput
from handlers.amounts import amount_help, register_amount
from handlers.desk.prompt import open_prompt
from handlers.inputs import close_press, message_of


async def ask_refund(query: CallbackQuery, callback_data: DeskOrder, ctx: Context,
                     state: FSMContext) -> None:
    order_id = callback_data.order_id
    await query.answer()
    card = message_of(query)
    prompt = await card.answer(_("Type the partial refund for order #{number} (a number), "
                                 "or /cancel:").format(number=order_id))
    await open_prompt(state, ctx, DeskInput.refund, card, prompt, order_id=order_id)


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


async def _confirm(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                   renderer: Renderer, amount: int) -> None:
    """A refund is money paid out: the manager sees it in the desk's format and confirms it;
    typing another amount replaces it. One above the price is refused before he confirms."""
    data = await state.get_data()
    try:
        check_refund(amount, (await get_order(ctx, actor, int(data["order_id"]))).final_price)
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    money = renderer.money(amount)
    asked = await message.answer(
        _("Partial refund on order #{number}: {amount}. Confirm it, or type another amount "
          "(/cancel to stop).").format(number=int(data["order_id"]), amount=f"<b>{money}</b>"),
        reply_markup=refund_confirm(_("✅ Refund {amount}").format(amount=money),
                                    int(data["order_id"])))
    await state.update_data(refund={"amount": amount, "message": asked.message_id})


async def confirm_refund(query: CallbackQuery, state: FSMContext, ctx: Context,
                         actor: Actor) -> None:
    data = await state.get_data()
    pending = data.get("refund") or {}
    if pending.get("message") != message_of(query).message_id:  # an older amount's button
        await query.answer(_("This question is no longer open: type the amount again."),
                           show_alert=True)
        return
    await close_press(query)
    try:
        await resolve_claim(ctx, actor, int(data["order_id"]), "refund",
                            amount=int(pending["amount"]))
    except DomainError as exc:
        if exc.key not in ("error.price_format", "error.refund_too_big"):
            await state.clear()
        await message_of(query).answer(error_text(exc))
        return
    await state.clear()
    await message_of(query).answer(_("The refund is recorded; the client and the master have "
                                     "been told."))


async def refund_other(message: Message, ctx: Context) -> None:
    await message.answer(amount_help(ctx))


def make_router() -> Router:
    router = Router(name="desk_claims")
    router.callback_query.register(ask_refund, DeskOrder.filter(F.action == DeskAction.REFUND))
    router.message.register(cancel, Command("cancel"), DeskInput.refund)
    register_amount(router, DeskInput.refund, _confirm)
    router.callback_query.register(confirm_refund, DeskInput.refund,
                                   DeskOrder.filter(F.action == DeskAction.REFUND_CONFIRM))
    router.message.register(refund_other, DeskInput.refund)
    return router
