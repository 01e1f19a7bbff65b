"""What the master's price forms share (the quote, handlers/master/quote.py; an extra,
handlers/master/extra.py) [C 一.3, 五.2; V]: his own job checked, the amount asked again, and
how a form ends — a completion report interrupted for an extra resumes at its price step."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from pydantic import BaseModel

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.rules import Actor, own_job
from bot.domain.views import OrderView
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.states import Report
from handlers.amounts import amount_help
from handlers.keyboards import cancel_button
from handlers.master.shown import show_job


@dataclass(frozen=True)
class PriceEnv:
    ctx: Context
    renderer: Renderer


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
