"""The master's quote after the call [C 一.3]: the price of the whole job (echoed as he writes
amounts), an optional note, then it goes to the client. A form (fsm/forms.py): what was typed
is kept and bad input asked again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.price_forms import PriceFormAction as A
from bot.buttons.price_forms import PriceFormCb, PriceStart, PriceStartCb, note_rows
from bot.domain.errors import DomainError
from bot.domain.money import examples
from bot.domain.pricing import MAX_ITEM, can_quote, check_text
from bot.domain.rules import Actor
from bot.i18n import _, fmt_number
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.pricing import send_quote
from fsm.draft import QuoteDraft
from fsm.forms import Form, Step, parsed
from fsm.states import Quote
from handlers.inputs import close_press, message_of
from handlers.keyboards import with_cancel
from handlers.master.price_steps import (
    AmountStep,
    PriceEnv,
    amount_again,
    cancel_kb,
    done,
    own,
    refused,
)


async def _note(message: Message, draft: QuoteDraft, env: PriceEnv) -> None:
    """Echo the amount as the master writes amounts; it counts only with the next step."""
    assert draft.amount is not None
    await message.answer(
        _("Quote: {amount}").format(amount=f"<b>{env.renderer.money(draft.amount)}</b>")
        + "\n\n" + _("Add a short note for the client (what the price includes), up to {n} "
                     "characters, or press «Skip».").format(n=MAX_ITEM),
        reply_markup=with_cancel(*note_rows()))


FORM: Form[QuoteDraft, PriceEnv] = Form("quote", QuoteDraft, {
    "amount": Step(Quote.amount, amount_again),  # its hint needs the context: below
    "note": Step(Quote.note, _note, lambda: _("Type the note as text, or press «Skip».")),
}, merge=True)
AMOUNT = AmountStep(FORM, then="note")


async def start(query: CallbackQuery, callback_data: PriceStartCb, ctx: Context, actor: Actor,
                state: FSMContext) -> None:
    order = await own(ctx, actor, callback_data.order_id)
    can_quote(order.status, order.stopped, order.price_items)
    await state.set_data({})
    await FORM.enter("amount", state, QuoteDraft(order_id=order.id))
    await query.answer()
    await message_of(query).answer(
        _("Quote for order #{number}: type the price of the whole job for the client (a "
          "number), for example {example}.").format(
            number=order.id, example=fmt_number(examples(ctx.policy.money)[0],
                                                ctx.policy.money)), reply_markup=cancel_kb())


async def note(message: Message, state: FSMContext, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    text = await parsed(message, lambda typed: check_text(typed, MAX_ITEM, one_line=True))
    if text is not None:
        await _send(message, state, ctx, actor, renderer, text)


async def skip(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    await _send(await close_press(query), state, ctx, actor, renderer, None)


async def _send(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                renderer: Renderer, note: str | None) -> None:
    draft = await FORM.load(state)
    if draft.amount is None:  # a draft from before minor units: the amount is asked again
        await FORM.ask("amount", message, state, draft, PriceEnv(ctx, renderer))
        return
    try:
        order = await send_quote(ctx, actor, draft.order_id, draft.amount, note)
    except DomainError as exc:
        await refused(message, state, exc)
        return
    await done(message, state, ctx, _("💬 Your quote of {amount} has been sent to the client. "
                                      "You will be told the answer.").format(
        amount=renderer.money(draft.amount)), renderer, order)


def register(router: Router) -> None:
    cb, msg = router.callback_query.register, router.message.register
    cb(start, PriceStartCb.filter(F.action == PriceStart.QUOTE))  # on the job card
    AMOUNT.register(router, PriceFormCb.filter(F.action == A.QUOTE_AMOUNT))
    msg(note, Quote.note, F.text)
    cb(skip, Quote.note, PriceFormCb.filter(F.action == A.SKIP_NOTE))
    FORM.fallbacks(router)
