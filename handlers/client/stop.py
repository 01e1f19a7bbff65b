"""The client's taps on a job: stop it at any moment [H] (one confirmation, then everything
holds), or accept the finished work instead of giving the code [C 二.8]."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.keyboards import stars_keyboard
from bot.notify.render import button
from bot.services.base import Context
from bot.services.field import stop_job
from bot.services.work import accept_work

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


@router.callback_query(Cb.filter(F.a == "accw"))
async def accept(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor) -> None:
    await accept_work(ctx, actor, callback_data.o)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("✅ Thank you! Order #{number} is completed.").format(
        number=callback_data.o) + "\n\n" + _("How did the master do? Rate the work:"),
        reply_markup=stars_keyboard(callback_data.o))
