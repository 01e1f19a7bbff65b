"""What the master's price forms share (the quote and an extra, handlers/master/pricing.py)
[C 一.3, 五.2; V]: his own job checked, the amount asked again, and
how a form ends — a completion report interrupted for an extra resumes at its price step."""

from __future__ import annotations

from typing import Generic, TypeVar

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.buttons.amounts import AmountCb, amount_picked
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.rules import Actor, own_job
from bot.domain.views import OrderView
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.forms import Form
from fsm.states import Report
from handlers.amounts import amount_help, picked_amount, typed_amount
from handlers.inputs import ServiceEnv, close_press, message_of
from handlers.keyboards import cancel_button
from handlers.master.shown import show_job

P = TypeVar("P", bound=BaseModel)


PriceEnv = ServiceEnv
price_env = ServiceEnv.of


def cancel_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]])


async def amount_again(message: Message, draft: BaseModel, env: PriceEnv) -> None:
    """The amount step entered again (changed, or a draft from before minor units)."""
    await message.answer(amount_help(env.ctx), reply_markup=cancel_kb())


async def own(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    order = await get_order(ctx, actor, order_id)
    own_job(actor, order.parties)
    return order


async def done(message: Message, state: FSMContext, ctx: Context, text: str,
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


async def refused(message: Message, state: FSMContext, exc: DomainError) -> None:
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


class AmountStep(Generic[P]):
    """A price form's amount step: typed (or picked between two readings, handlers/amounts.py),
    then the form's next step echoes it; «Change the amount» there comes back here."""

    def __init__(self, form: Form[P, PriceEnv], then: str) -> None:
        self.form, self.then = form, then

    async def typed(self, message: Message, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
        amount = await typed_amount(message, state, ctx, renderer, [[cancel_button()]])
        if amount is not None:
            await self._got(message, state, PriceEnv(ctx, renderer), amount)

    async def picked(self, query: CallbackQuery, callback_data: AmountCb, state: FSMContext,
                     ctx: Context, renderer: Renderer) -> None:
        amount = await picked_amount(query, callback_data, state)
        if amount is not None:
            await self._got(message_of(query), state, PriceEnv(ctx, renderer), amount)

    async def _got(self, message: Message, state: FSMContext, env: PriceEnv,
                   amount: int) -> None:
        draft = await self.form.load(state)
        draft.amount = amount  # type: ignore[attr-defined]  # both drafts have it
        await self.form.ask(self.then, message, state, draft, env)

    async def change(self, query: CallbackQuery, state: FSMContext, ctx: Context,
                     renderer: Renderer) -> None:
        await close_press(query)
        await self.form.ask("amount", message_of(query), state, await self.form.load(state),
                            PriceEnv(ctx, renderer))

    @staticmethod
    async def other(message: Message, ctx: Context) -> None:
        await message.answer(amount_help(ctx))

    def register(self, router: Router, change: CallbackQueryFilter) -> None:
        amount, then = self.form.steps["amount"].state, self.form.steps[self.then].state
        router.message.register(self.typed, amount, F.text)
        router.callback_query.register(self.picked, amount, amount_picked())
        router.callback_query.register(self.change, then, change)
        router.message.register(self.other, amount)
