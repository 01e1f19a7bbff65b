"""The master's price proposals: a quote after the call, then extras the client must approve
[C 一.3, 五.2; V]. Each conversation keeps what was typed and re-asks on bad input."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.money import examples
from bot.domain.pricing import (
    MAX_ITEM,
    MAX_REASON,
    can_propose_extra,
    can_quote,
    check_text,
)
from bot.domain.rules import Actor, own_job
from bot.domain.views import OrderView
from bot.i18n import _, fmt_number
from bot.notify.render import Renderer, button, q
from bot.services.base import Context
from bot.services.orders import get_order
from bot.services.pricing import propose_extra, send_quote
from bot.texts import error_text
from fsm.draft import ExtraDraft, QuoteDraft
from fsm.states import Extra, Quote, Report
from handlers.amounts import PICK, amount_help, picked_amount, typed_amount
from handlers.inputs import message_of
from handlers.keyboards import cancel_button
from handlers.master.shown import show_job

router = Router(name="master_pricing")


def _cancel_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]])


async def _own(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    order = await get_order(ctx, actor, order_id)
    own_job(actor, order.parties)
    return order


async def _done(message: Message, state: FSMContext, ctx: Context, text: str,
                renderer: Renderer, order: OrderView, report: object | None = None) -> None:
    """Leave the conversation; a completion report interrupted for an extra resumes at its
    price step with everything it held."""
    if report is not None:
        await state.set_state(Report.price)
        await state.set_data({"report": report})
        await message.answer(text + "\n\n" + _(
            "Your report is kept. Once the client approves the extra, enter the final price "
            "again (a number)."))
        return
    await state.clear()
    await show_job(ctx, renderer, order, message, text)


async def _refused(message: Message, state: FSMContext, exc: DomainError) -> None:
    """Bad input: ask again and keep the draft. A refusal of the rules: the conversation
    cannot succeed any more, so it ends."""
    if not isinstance(exc, InvalidInput):
        data = await state.get_data()
        if "report" in data:
            await state.set_state(Report.price)
            await state.set_data({"report": data["report"]})
        else:
            await state.clear()
    await message.answer(error_text(exc))


# --- the quote -----------------------------------------------------------------------------

@router.callback_query(Cb.filter(F.a == "qsend"))
async def start_quote(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                      state: FSMContext) -> None:
    order = await _own(ctx, actor, callback_data.o)
    can_quote(order.status, order.stopped, order.price_items)
    await state.set_state(Quote.amount)
    await state.set_data({"quote": QuoteDraft(order_id=order.id).model_dump(mode="json")})
    await query.answer()
    await message_of(query).answer(
        _("Quote for order #{number}: type the price of the whole job for the client (a "
          "number), for example {example}.").format(
            number=order.id, example=fmt_number(examples(ctx.policy.money)[0],
                                                ctx.policy.money)), reply_markup=_cancel_kb())


async def _quote(state: FSMContext) -> QuoteDraft:
    return QuoteDraft.model_validate((await state.get_data())["quote"])


@router.message(Quote.amount, F.text)
async def quote_amount(message: Message, state: FSMContext, ctx: Context,
                       renderer: Renderer) -> None:
    amount = await typed_amount(message, state, ctx, renderer, [[cancel_button()]])
    if amount is not None:
        await _quote_amount(message, state, renderer, amount)


@router.callback_query(Quote.amount, Cb.filter(F.a == PICK))
async def quote_amount_picked(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                              renderer: Renderer) -> None:
    amount = await picked_amount(query, callback_data, state)
    if amount is not None:
        await _quote_amount(message_of(query), state, renderer, amount)


async def _quote_amount(message: Message, state: FSMContext, renderer: Renderer,
                        amount: int) -> None:
    """Echo the amount as the master writes amounts; it counts only with the next step."""
    draft = await _quote(state)
    draft.amount = amount
    await state.update_data(quote=draft.model_dump(mode="json"))
    await state.set_state(Quote.note)
    await message.answer(
        _("Quote: {amount}").format(amount=f"<b>{renderer.money(amount)}</b>") + "\n\n"
        + _("Add a short note for the client (what the price includes), up to {n} characters, "
            "or press «Skip».").format(n=MAX_ITEM),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button(_("Skip ▶️"), "qskip")],
                                                           [_change_button("qamt")],
                                                           [cancel_button()]]))


def _change_button(action: str) -> InlineKeyboardButton:
    return button(_("✏️ Change the amount"), action)


@router.callback_query(Quote.note, Cb.filter(F.a == "qamt"))
async def quote_change_amount(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await state.set_state(Quote.amount)
    await message_of(query).answer(amount_help(ctx), reply_markup=_cancel_kb())


@router.message(Quote.amount)
async def quote_amount_other(message: Message, ctx: Context) -> None:
    await message.answer(amount_help(ctx))


@router.message(Quote.note, F.text)
async def quote_note(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                     renderer: Renderer) -> None:
    try:
        note = check_text(message.text, MAX_ITEM, one_line=True)
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    await _send_quote(message, state, ctx, actor, renderer, note)


@router.callback_query(Quote.note, Cb.filter(F.a == "qskip"))
async def quote_skip(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor,
                     renderer: Renderer) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await _send_quote(message_of(query), state, ctx, actor, renderer, None)


@router.message(Quote.note)
async def quote_note_other(message: Message) -> None:
    await message.answer(_("Type the note as text, or press «Skip»."))


async def _send_quote(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                      renderer: Renderer, note: str | None) -> None:
    draft = await _quote(state)
    if draft.amount is None:  # a draft from before minor units: the amount is asked again
        await state.set_state(Quote.amount)
        await message.answer(amount_help(ctx), reply_markup=_cancel_kb())
        return
    try:
        order = await send_quote(ctx, actor, draft.order_id, draft.amount, note)
    except DomainError as exc:
        await _refused(message, state, exc)
        return
    await _done(message, state, ctx, _("💬 Your quote of {amount} has been sent to the client. "
                                       "You will be told the answer.").format(
        amount=renderer.money(draft.amount)), renderer, order)


# --- an extra ------------------------------------------------------------------------------

@router.callback_query(Cb.filter(F.a == "xadd"))
async def start_extra(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                      state: FSMContext) -> None:
    order = await _own(ctx, actor, callback_data.o)
    can_propose_extra(order.status, order.stopped, order.price_items)
    data = await state.get_data()
    keep = {}
    # Pressed from the report's price step: the report waits for the client's approval.
    if await state.get_state() == Report.price.state and "report" in data and int(
            data["report"].get("order_id", 0)) == order.id:
        keep = {"report": data["report"]}
    await state.set_state(Extra.item)
    await state.set_data({**keep, "extra": ExtraDraft(order_id=order.id).model_dump(
        mode="json")})
    await query.answer()
    await message_of(query).answer(
        _("Extra for order #{number}: what is it? Type the part or the additional work, up "
          "to {n} characters.").format(number=order.id, n=MAX_ITEM), reply_markup=_cancel_kb())


async def _extra(state: FSMContext) -> ExtraDraft:
    return ExtraDraft.model_validate((await state.get_data())["extra"])


@router.message(Extra.item, F.text)
async def extra_item(message: Message, state: FSMContext, ctx: Context) -> None:
    try:
        item = check_text(message.text, MAX_ITEM, one_line=True)
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await _extra(state)
    draft.item = item
    await state.update_data(extra=draft.model_dump(mode="json"))
    await state.set_state(Extra.amount)
    await message.answer(_("How much does it add to the price? Type a number, for example "
                           "{example}.").format(example=fmt_number(
                               examples(ctx.policy.money)[0] // 3, ctx.policy.money)),
                         reply_markup=_cancel_kb())


@router.message(Extra.item)
async def extra_item_other(message: Message) -> None:
    await message.answer(_("Type what the extra is, as text."))


@router.message(Extra.amount, F.text)
async def extra_amount(message: Message, state: FSMContext, ctx: Context,
                       renderer: Renderer) -> None:
    amount = await typed_amount(message, state, ctx, renderer, [[cancel_button()]])
    if amount is not None:
        await _extra_amount(message, state, renderer, amount)


@router.callback_query(Extra.amount, Cb.filter(F.a == PICK))
async def extra_amount_picked(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                              renderer: Renderer) -> None:
    amount = await picked_amount(query, callback_data, state)
    if amount is not None:
        await _extra_amount(message_of(query), state, renderer, amount)


async def _extra_amount(message: Message, state: FSMContext, renderer: Renderer,
                        amount: int) -> None:
    """Echo the extra as the client will read it; it counts only once the reason is in."""
    draft = await _extra(state)
    draft.amount = amount
    await state.update_data(extra=draft.model_dump(mode="json"))
    await state.set_state(Extra.reason)
    echo = _("Extra: {item} — {amount}").format(item=q(draft.item or ""),
                                                 amount=f"<b>{renderer.money(amount)}</b>")
    await message.answer(echo + "\n\n" + _("Why is it needed? The client sees this reason (up "
                                            "to {n} characters).").format(n=MAX_REASON),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=[
                             [_change_button("xamt")], [cancel_button()]]))


@router.callback_query(Extra.reason, Cb.filter(F.a == "xamt"))
async def extra_change_amount(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await state.set_state(Extra.amount)
    await message_of(query).answer(amount_help(ctx), reply_markup=_cancel_kb())


@router.message(Extra.amount)
async def extra_amount_other(message: Message, ctx: Context) -> None:
    await message.answer(amount_help(ctx))


@router.message(Extra.reason, F.text)
async def extra_reason(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer) -> None:
    try:
        reason = check_text(message.text, MAX_REASON)
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await _extra(state)
    if draft.amount is None:  # a draft from before minor units: the amount is asked again
        await state.set_state(Extra.amount)
        await message.answer(amount_help(ctx), reply_markup=_cancel_kb())
        return
    assert draft.item is not None and reason is not None
    try:
        order = await propose_extra(ctx, actor, draft.order_id, draft.item, draft.amount,
                                    reason)
    except DomainError as exc:
        await _refused(message, state, exc)
        return
    amount: int = draft.amount
    await _done(message, state, ctx, _("➕ The extra ({amount}) has been sent to the client "
                                       "for approval. You will be told the answer.").format(
        amount=renderer.money(amount)), renderer, order,
        report=(await state.get_data()).get("report"))


@router.message(Extra.reason)
async def extra_reason_other(message: Message) -> None:
    await message.answer(_("Type the reason as text."))
