"""[H] The client stops the job at any moment: one confirmation, then everything holds."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.render import button
from bot.services.base import Context
from bot.services.field import stop_job

router = Router(name="client_stop")


@router.callback_query(Cb.filter(F.a == "stop"))
async def ask(query: CallbackQuery, callback_data: Cb) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Stop the job on order #{number}? The master will be told to stop at once and the "
          "desk will contact you.").format(number=callback_data.o),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [button(_("⛔ Yes, stop the job now"), "stopy", callback_data.o)],
            [button(_("↩️ No, continue"), "stopn", callback_data.o)]]))


@router.callback_query(Cb.filter(F.a == "stopy"))
async def confirm(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor) -> None:
    await stop_job(ctx, actor, callback_data.o)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("⛔ The job is stopped. The master has been told to stop "
                                    "and the desk has been alerted."))


@router.callback_query(Cb.filter(F.a == "stopn"))
async def keep(query: CallbackQuery) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("The job continues."))
