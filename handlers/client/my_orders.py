"""My orders: the client's own orders and their state."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.base import rows
from bot.buttons.client_orders import ClientAction, client_button
from bot.buttons.menus import Menu, MenuAction
from bot.domain.states import TERMINAL
from bot.i18n import _
from bot.notify.fit import fit_list
from bot.notify.render import Renderer, and_more
from bot.services.base import Context
from bot.services.orders import my_orders

# Every order that is not rejected or cancelled opens: to follow it, stop it, cancel it, write
# to the desk, or claim under the warranty once completed.


async def render_list(ctx: Context, renderer: Renderer,
                      user_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list, and a button per live order that opens it with the buttons that fit."""
    orders = await my_orders(ctx, user_id)
    if not orders:
        return _("You have no orders yet."), None
    # The newest first as many as fit one message (a client of years has many).
    text = fit_list(_("<b>Your orders</b>") + "\n",
                    [renderer.client_order_line(o) for o in orders], more=and_more)
    open_ = [client_button(_("Order #{number}").format(number=o.id), ClientAction.OPEN, o.id)
             for o in orders if o.status not in TERMINAL]
    kb = InlineKeyboardMarkup(inline_keyboard=rows(*open_, width=3)) if open_ else None
    return text, kb


async def orders_cmd(message: Message, ctx: Context, renderer: Renderer) -> None:
    assert message.from_user
    text, kb = await render_list(ctx, renderer, message.from_user.id)
    await message.answer(text, reply_markup=kb)


async def orders_button(query: CallbackQuery, ctx: Context, renderer: Renderer) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, kb = await render_list(ctx, renderer, query.from_user.id)
        await query.message.answer(text, reply_markup=kb)


def make_router() -> Router:
    router = Router(name="my_orders")
    router.message.register(orders_cmd, Command("orders"))
    router.callback_query.register(orders_button, Menu.filter(F.action == MenuAction.MY_ORDERS))
    return router
