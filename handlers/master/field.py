"""The master in the field: called the client, the agreed visit time, on site."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import DomainError
from bot.domain.rules import Actor, parse_visit
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.field import check_in, mark_contacted, schedule_visit
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.states import Visit
from handlers.inputs import message_of
from handlers.keyboards import cancel_button

router = Router(name="master_field")


@router.callback_query(Cb.filter(F.a == "cont"))
async def contacted(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
    order = await mark_contacted(ctx, actor, callback_data.o)
    await query.answer(_("Noted: you have called the client."))
    text, kb = renderer.job(order)
    await message_of(query).edit_text(text, reply_markup=kb)


@router.callback_query(Cb.filter(F.a == "sched"))
async def ask_visit(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                    state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.o)  # only his own job
    await state.set_state(Visit.when)
    await state.set_data({"order_id": order.id, "job_message": message_of(query).message_id})
    await query.answer()
    await message_of(query).answer(
        _("When will you come? Type the time agreed with the client: HH:MM for today or "
          "DD.MM HH:MM, for example 25.12 14:30."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


@router.message(Visit.when, F.text)
async def got_visit(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
    try:
        visit_at = parse_visit(message.text or "", datetime.now(renderer.tz))
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    data = await state.get_data()
    order = await schedule_visit(ctx, actor, int(data["order_id"]), visit_at)
    await state.clear()
    text, kb = renderer.job(order)
    await message.answer(_("📅 The visit is set. The client has been told.") + "\n\n" + text,
                         reply_markup=kb)


@router.message(Visit.when)
async def visit_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.visit_format")))


@router.callback_query(Cb.filter(F.a == "chk"))
async def on_site(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                  renderer: Renderer) -> None:
    order, minutes = await check_in(ctx, actor, callback_data.o)
    await query.answer(_("Checked in. The client has been told."))
    text, kb = renderer.job(order)
    await message_of(query).edit_text(text, reply_markup=kb)
