"""The client's taps on a job: stop it at any moment [H] (one confirmation, then everything
holds), or accept the finished work instead of giving the code [C 二.8]."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.buttons.client_orders import ClientAction, ClientOrder, stop_confirm_keyboard
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.keyboards import stars_keyboard
from bot.services.base import Context
from bot.services.completion import accept_work
from bot.services.field import stop_job


async def ask(query: CallbackQuery, callback_data: ClientOrder) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Stop the job on order #{number}? The master will be told to stop at once and the "
          "desk will contact you.").format(number=callback_data.order_id),
        reply_markup=stop_confirm_keyboard(callback_data.order_id))


async def confirm(query: CallbackQuery, callback_data: ClientOrder, ctx: Context,
                  actor: Actor) -> None:
    await stop_job(ctx, actor, callback_data.order_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("⛔ The job is stopped. The master has been told to stop "
                                    "and the desk has been alerted."))


async def keep(query: CallbackQuery) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("The job continues."))


async def accept(query: CallbackQuery, callback_data: ClientOrder, ctx: Context,
                 actor: Actor) -> None:
    order_id = callback_data.order_id
    await accept_work(ctx, actor, order_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("✅ Thank you! Order #{number} is completed.").format(
        number=order_id) + "\n\n" + _("How did the master do? Rate the work:"),
        reply_markup=stars_keyboard(order_id))


def make_router() -> Router:
    router = Router(name="client_stop")
    for handler, action in ((ask, ClientAction.STOP), (confirm, ClientAction.STOP_CONFIRM),
                            (keep, ClientAction.STOP_KEEP), (accept, ClientAction.ACCEPT_WORK)):
        router.callback_query.register(handler, ClientOrder.filter(F.action == action))
    return router
