"""The amount step that the price conversations share (quote, extra, final price, refund).

The amount is read in the typing person's locale (bot/domain/money.py). When it can mean two
things, both readings go back as buttons, formatted as he writes amounts, instead of a guess;
the readings stay in the FSM data (callback data carries only their index) with the id of the
question, so a button of an older question never picks from a newer one. Each conversation
then echoes the amount before it counts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.buttons.amounts import AmountCb, amount_picked, reading_row
from bot.domain.errors import InvalidInput
from bot.domain.money import examples, readings
from bot.domain.rules import Actor
from bot.i18n import _, current_locale, fmt_number
from bot.notify.render import Renderer
from bot.services.base import Context
from handlers.inputs import close_press, message_of

_KEY = "amount_choices"


def amount_help(ctx: Context) -> str:
    """How to type an amount, with examples as this person's locale writes them."""
    cur = ctx.policy.money
    whole, other = examples(cur)
    return _("Type the amount as a number, for example {whole} or {other}.").format(
        whole=fmt_number(whole, cur), other=fmt_number(other, cur))


def amount_error(exc: InvalidInput, ctx: Context, renderer: Renderer) -> str:
    if exc.key == "error.price_range":
        return _("That is more than one price can be: at most {max}.").format(
            max=renderer.money(ctx.policy.money.max_minor))
    return amount_help(ctx)


async def typed_amount(message: Message, state: FSMContext, ctx: Context, renderer: Renderer,
                       extra: list[list[InlineKeyboardButton]] | None = None) -> int | None:
    """The amount typed, in minor units; None once the person has been answered instead (a
    refusal, or the question between two readings). `extra`: rows under the question."""
    try:
        values = readings(message.text or "", current_locale(), ctx.policy.money)
    except InvalidInput as exc:
        await message.answer(amount_error(exc, ctx, renderer))
        return None
    if len(values) == 1:
        await state.update_data({_KEY: None})
        return values[0]
    first, second = (renderer.money(v) for v in values)
    asked = await message.answer(
        _("Did you mean {first} or {second}? Press the amount you meant, or type it "
          "again.").format(first=f"<b>{first}</b>", second=f"<b>{second}</b>"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            reading_row(first, second), *(extra or [])]))
    await state.update_data({_KEY: {"message": asked.message_id, "values": list(values)}})
    return None


async def picked_amount(query: CallbackQuery, callback_data: AmountCb,
                        state: FSMContext) -> int | None:
    """The reading pressed, in minor units; None (and the press answered) for a button of a
    question that is no longer open."""
    data: dict[str, Any] = await state.get_data()
    asked = data.get(_KEY) or {}
    values = asked.get("values") or []
    if asked.get("message") != message_of(query).message_id or callback_data.index >= len(values):
        await query.answer(_("This question is no longer open: type the amount again."),
                           show_alert=True)
        return None
    await state.update_data({_KEY: None})
    await close_press(query)
    return int(values[callback_data.index])


# What a conversation does with the amount once it is known, typed or picked.
AmountThen = Callable[[Message, FSMContext, Context, Actor, Renderer, int], Awaitable[None]]


def register_amount(router: Router, state: State, then: AmountThen,
                    extra: Callable[[], list[list[InlineKeyboardButton]]] | None = None) -> None:
    """The amount step of a conversation in `state`: a typed amount, or the reading picked
    between two, goes on to `then`; `extra` draws rows under the question between two."""

    async def typed(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
        amount = await typed_amount(message, state, ctx, renderer, extra() if extra else None)
        if amount is not None:
            await then(message, state, ctx, actor, renderer, amount)

    async def picked(query: CallbackQuery, callback_data: AmountCb, state: FSMContext,
                     ctx: Context, actor: Actor, renderer: Renderer) -> None:
        amount = await picked_amount(query, callback_data, state)
        if amount is not None:
            await then(message_of(query), state, ctx, actor, renderer, amount)

    router.message.register(typed, state, F.text)
    router.callback_query.register(picked, state, amount_picked())
