"""My orders: the client's own orders and their state."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import Cb
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.orders import my_orders

router = Router(name="my_orders")


async def render_list(ctx: Context, renderer: Renderer, user_id: int) -> str:
    orders = await my_orders(ctx, user_id)
    if not orders:
        return _("You have no orders yet.")
    lines = [_("<b>Your orders</b>"), ""]
    lines += [renderer.client_order_line(o) for o in orders]
    return "\n".join(lines)


@router.message(Command("orders"))
async def orders_cmd(message: Message, ctx: Context, renderer: Renderer) -> None:
    assert message.from_user
    await message.answer(await render_list(ctx, renderer, message.from_user.id))


@router.callback_query(Cb.filter(F.a == "my"))
async def orders_button(query: CallbackQuery, ctx: Context, renderer: Renderer) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(await render_list(ctx, renderer, query.from_user.id))
