"""The desk's decision on a warranty claim that needs typing: the partial refund's amount.
(Rework and rejection are buttons on the card, in handlers/desk/orders.py.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.callbacks import Cb
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.rules import Actor, parse_price
from bot.i18n import _
from bot.services.base import Context
from bot.services.complaints import resolve_claim
from bot.texts import error_text
from fsm.states import DeskInput
from handlers.desk.prompt import open_prompt
from handlers.inputs import message_of

router = Router(name="desk_claims")


@router.callback_query(Cb.filter(F.a == "dcf"))
async def ask_refund(query: CallbackQuery, callback_data: Cb, actor: Actor, ctx: Context,
                     state: FSMContext) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    await query.answer()
    card = message_of(query)
    prompt = await card.answer(_("Type the partial refund for order #{number} (a number), "
                                 "or /cancel:").format(number=callback_data.o))
    await open_prompt(state, ctx, DeskInput.refund, card, prompt, order_id=callback_data.o)


@router.message(Command("cancel"), DeskInput.refund)
async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


@router.message(DeskInput.refund, F.text)
async def got_refund(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    order_id = int((await state.get_data())["order_id"])
    try:
        amount = parse_price(message.text or "")
        await resolve_claim(ctx, actor, order_id, "refund", amount=amount)
    except DomainError as exc:
        if exc.key not in ("error.price_format", "error.refund_too_big"):
            await state.clear()
        await message.answer(error_text(exc))
        return
    await state.clear()
    await message.answer(_("The refund is recorded; the client and the master have been "
                           "told."))


@router.message(DeskInput.refund)
async def refund_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.price_format")))
