"""The master's price proposals [C 一.3, 五.2; V], two forms on the form engine (fsm/forms.py)
sharing handlers/master/price_steps.py; what was typed is kept and bad input asked again.

- The quote after the call: the price of the whole job (echoed as he writes amounts), an
  optional note, then it goes to the client.
- An extra the client must approve before the price rises: what it is, how much it adds
  (echoed as the client will read it), why it is needed. Pressed from a completion report's
  price step, the report waits for the answer (price_steps.done).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.price_forms import PriceFormAction as A
from bot.buttons.price_forms import PriceFormCb, PriceStart, PriceStartCb, note_rows, reason_rows
from bot.domain.errors import DomainError
from bot.domain.money import examples
from bot.domain.pricing import MAX_ITEM, MAX_REASON, can_propose_extra, can_quote, check_text
from bot.domain.rules import Actor
from bot.i18n import _, fmt_number
from bot.notify.render import Renderer, q
from bot.services.base import Context
from bot.services.pricing import propose_extra, send_quote
from fsm.draft import ExtraDraft, QuoteDraft
from fsm.forms import Form, Step, parsed
from fsm.states import Extra, Quote, Report
from handlers.inputs import close_press, message_of
from handlers.keyboards import with_cancel
from handlers.master.price_steps import (
    AmountStep,
    PriceEnv,
    amount_again,
    cancel_kb,
    done,
    own,
    price_env,
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


QUOTE: Form[QuoteDraft, PriceEnv] = Form("quote", QuoteDraft, {
    "amount": Step(Quote.amount, amount_again),  # its hint needs the context: below
    "note": Step(Quote.note, _note, lambda: _("Type the note as text, or press «Skip».")),
}, price_env, merge=True)
QUOTE_AMOUNT = AmountStep(QUOTE, then="note")


async def start_quote(query: CallbackQuery, callback_data: PriceStartCb, ctx: Context,
                      actor: Actor, state: FSMContext) -> None:
    order = await own(ctx, actor, callback_data.order_id)
    can_quote(order.status, order.stopped, order.price_items)
    await state.set_data({})
    await QUOTE.enter("amount", state, QuoteDraft(order_id=order.id))
    await query.answer()
    await message_of(query).answer(
        _("Quote for order #{number}: type the price of the whole job for the client (a "
          "number), for example {example}.").format(
            number=order.id, example=fmt_number(examples(ctx.policy.money)[0],
                                                ctx.policy.money)), reply_markup=cancel_kb())


async def quote_note(message: Message, state: FSMContext, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    text = await parsed(message, lambda typed: check_text(typed, MAX_ITEM, one_line=True))
    if text is not None:
        await _send_quote(message, state, ctx, actor, renderer, text)


async def skip_note(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    await _send_quote(await close_press(query), state, ctx, actor, renderer, None)


async def _send_quote(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                renderer: Renderer, note: str | None) -> None:
    draft = await QUOTE.load(state)
    if draft.amount is None:  # a draft from before minor units: the amount is asked again
        await QUOTE.ask("amount", message, state, draft, PriceEnv(ctx, renderer))
        return
    try:
        order = await send_quote(ctx, actor, draft.order_id, draft.amount, note)
    except DomainError as exc:
        await refused(message, state, exc)
        return
    await done(message, state, ctx, _("💬 Your quote of {amount} has been sent to the client. "
                                      "You will be told the answer.").format(
        amount=renderer.money(draft.amount)), renderer, order)


async def _item(message: Message, draft: ExtraDraft, env: PriceEnv) -> None:
    await message.answer(
        _("Extra for order #{number}: what is it? Type the part or the additional work, up "
          "to {n} characters.").format(number=draft.order_id, n=MAX_ITEM),
        reply_markup=cancel_kb())


async def _reason(message: Message, draft: ExtraDraft, env: PriceEnv) -> None:
    """Echo the extra as the client will read it; it counts only once the reason is in."""
    assert draft.amount is not None
    echo = _("Extra: {item} — {amount}").format(
        item=q(draft.item or ""), amount=f"<b>{env.renderer.money(draft.amount)}</b>")
    await message.answer(echo + "\n\n" + _("Why is it needed? The client sees this reason (up "
                                            "to {n} characters).").format(n=MAX_REASON),
                         reply_markup=with_cancel(*reason_rows()))


EXTRA: Form[ExtraDraft, PriceEnv] = Form("extra", ExtraDraft, {
    "item": Step(Extra.item, _item, lambda: _("Type what the extra is, as text.")),
    "amount": Step(Extra.amount, amount_again),  # its hint needs the context: below
    "reason": Step(Extra.reason, _reason, lambda: _("Type the reason as text.")),
}, price_env, merge=True)
EXTRA_AMOUNT = AmountStep(EXTRA, then="reason")


async def start_extra(query: CallbackQuery, callback_data: PriceStartCb, ctx: Context,
                      actor: Actor, state: FSMContext, renderer: Renderer) -> None:
    order = await own(ctx, actor, callback_data.order_id)
    can_propose_extra(order.status, order.stopped, order.price_items)
    data = await state.get_data()
    keep = {}
    # Pressed from the report's price step: the report waits for the client's approval.
    if await state.get_state() == Report.price.state and "report" in data and int(
            data["report"].get("order_id", 0)) == order.id:
        keep = {"report": data["report"]}
    await state.set_data(keep)
    await EXTRA.enter("item", state, ExtraDraft(order_id=order.id))
    await query.answer()
    await _item(message_of(query), ExtraDraft(order_id=order.id), PriceEnv(ctx, renderer))


async def extra_item(message: Message, state: FSMContext, ctx: Context) -> None:
    text = await parsed(message, lambda typed: check_text(typed, MAX_ITEM, one_line=True))
    draft = await EXTRA.filled(state, "item", text)
    if draft is None:
        return
    await EXTRA.enter("amount", state, draft)
    await message.answer(_("How much does it add to the price? Type a number, for example "
                           "{example}.").format(example=fmt_number(
                               examples(ctx.policy.money)[0] // 3, ctx.policy.money)),
                         reply_markup=cancel_kb())


async def extra_reason(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    why = await parsed(message, lambda typed: check_text(typed, MAX_REASON))
    if why is None:
        return
    draft = await EXTRA.load(state)
    if draft.amount is None:  # a draft from before minor units: the amount is asked again
        await EXTRA.ask("amount", message, state, draft, PriceEnv(ctx, renderer))
        return
    assert draft.item is not None
    try:
        order = await propose_extra(ctx, actor, draft.order_id, draft.item, draft.amount, why)
    except DomainError as exc:
        await refused(message, state, exc)
        return
    await done(message, state, ctx, _("➕ The extra ({amount}) has been sent to the client "
                                      "for approval. You will be told the answer.").format(
        amount=renderer.money(draft.amount)), renderer, order,
        report=(await state.get_data()).get("report"))


def make_router() -> Router:
    router = Router(name="master_pricing")
    cb, msg = router.callback_query.register, router.message.register
    cb(start_quote, PriceStartCb.filter(F.action == PriceStart.QUOTE))  # on the job card
    QUOTE_AMOUNT.register(router, PriceFormCb.filter(F.action == A.QUOTE_AMOUNT))
    msg(quote_note, Quote.note, F.text)
    cb(skip_note, Quote.note, PriceFormCb.filter(F.action == A.SKIP_NOTE))
    QUOTE.fallbacks(router)
    cb(start_extra, PriceStartCb.filter(F.action == PriceStart.EXTRA))  # on the job card
    msg(extra_item, Extra.item, F.text)
    EXTRA_AMOUNT.register(router, PriceFormCb.filter(F.action == A.EXTRA_AMOUNT))
    msg(extra_reason, Extra.reason, F.text)
    EXTRA.fallbacks(router)
    return router
