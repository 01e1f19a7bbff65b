"""The master in the field: called the client, the agreed visit time, on site (with his
shared location, or by a button when he cannot share it) [C 3(2)]."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove

from bot.buttons.field import FieldAction, FieldStep, field_button
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.rules import Actor, own_job, parse_visit
from bot.domain.states import Status
from bot.domain.views import OrderView, UserView
from bot.i18n import _, fmt_datetime_full, typing_style
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.field import check_in, mark_contacted, schedule_visit
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.states import Visit
from handlers.client.visit import ask_proposal
from handlers.inputs import close_press, message_of
from handlers.keyboards import cancel_button, share_location
from handlers.master.shown import show_job


async def contacted(query: CallbackQuery, callback_data: FieldStep, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
    order = await mark_contacted(ctx, actor, callback_data.order_id)
    await query.answer(_("Noted: you have called the client."))
    await show_job(ctx, renderer, order, message_of(query), edit=True)


async def ask_visit(query: CallbackQuery, callback_data: FieldStep, ctx: Context, actor: Actor,
                    state: FSMContext, renderer: Renderer, user: UserView) -> None:
    style = typing_style(user.language_code)
    order = await get_order(ctx, actor, callback_data.order_id)  # only his own job
    if order.status == Status.SCHEDULED:  # agreed already: a new time is a proposal now
        await ask_proposal(message_of(query), state, ctx, actor, order.id, renderer, style)
        await query.answer()
        return
    await state.set_state(Visit.when)
    await state.set_data({"order_id": order.id, "job_message": message_of(query).message_id})
    await query.answer()
    await message_of(query).answer(
        _("When will you come? Type the time agreed with the client: a time for today, or a "
          "date and a time, for example {example}.").format(example=style.visit_example()),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


async def got_visit(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                    renderer: Renderer, user: UserView) -> None:
    try:
        visit_at = parse_visit(message.text or "", renderer.local_now(),
                               typing_style(user.language_code))
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    data = await state.get_data()
    try:
        order = await schedule_visit(ctx, actor, int(data["order_id"]), visit_at)
    except DomainError:
        await state.clear()  # the job moved on (agreed, stopped, taken away): nothing to ask
        raise
    await state.clear()
    await show_job(ctx, renderer, order, message,
                   _("📅 The visit is set for {time}. The client has been told.").format(
                       time=fmt_datetime_full(visit_at, renderer.tz)))


async def visit_other(message: Message, user: UserView) -> None:
    example = typing_style(user.language_code).visit_example()
    await message.answer(error_text(DomainError("error.visit_format", example=example)))


# --- check-in ------------------------------------------------------------------------------

def _without_location(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [field_button(_("✅ Check in without location"), FieldAction.ON_SITE_NO_LOCATION,
                      order_id)]])


async def _ask_location(message: Message, order_id: int) -> int:
    """The reply keyboard asks for the location; the inline button is the way without it.
    Returns the id of the message carrying the inline button."""
    await message.answer(_("📍 Share your location with the button below, so the desk sees "
                           "you are at the client's place."), reply_markup=share_location())
    prompt = await message.answer(_("Cannot share it? Check in without location:"),
                                  reply_markup=_without_location(order_id))
    return prompt.message_id


async def on_site(query: CallbackQuery, callback_data: FieldStep, ctx: Context, actor: Actor,
                  state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.order_id)  # checked before asking
    own_job(actor, order.parties)
    if order.stopped:
        raise NotAllowed("error.job_stopped")
    if order.status != Status.SCHEDULED:
        raise NotAllowed("error.wrong_state")
    await query.answer()
    prompt = await _ask_location(message_of(query), order.id)
    await state.set_state(Visit.checkin)
    await state.set_data({"order_id": order.id, "prompt": prompt})


async def _checked_in(message: Message, ctx: Context, renderer: Renderer, head: str,
                      order: OrderView) -> None:
    await message.answer(head, reply_markup=ReplyKeyboardRemove())
    await show_job(ctx, renderer, order, message)


async def checkin_location(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                           renderer: Renderer) -> None:
    assert message.location is not None
    data = await state.get_data()
    try:
        order, _minutes = await check_in(ctx, actor, int(data["order_id"]),
                                         message.location.latitude, message.location.longitude)
    finally:  # checked in, or the job moved on (stopped, taken away): nothing more to ask
        await state.clear()
    if data.get("prompt") and message.bot is not None:
        try:  # the way without a location is no longer needed
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(data["prompt"]), reply_markup=None)
        except TelegramBadRequest:
            pass
    await _checked_in(message, ctx, renderer, _("📍 Checked in with your location. The "
                                                "client has been told."), order)


async def checkin_other(message: Message, state: FSMContext) -> None:
    """Text, a photo, anything but a location: ask again, nothing changes."""
    data = await state.get_data()
    await message.answer(_("That is not a location. Press «📍 Share my location» below, or "
                           "«Check in without location»; /cancel to stop."),
                         reply_markup=share_location())
    prompt = await message.answer(_("Cannot share it? Check in without location:"),
                                  reply_markup=_without_location(int(data["order_id"])))
    await state.update_data(prompt=prompt.message_id)


async def checkin_button(query: CallbackQuery, callback_data: FieldStep, ctx: Context,
                         actor: Actor,
                         state: FSMContext, renderer: Renderer) -> None:
    order, _minutes = await check_in(ctx, actor, callback_data.order_id)
    if await state.get_state() == Visit.checkin.state:
        await state.clear()
    await _checked_in(await close_press(query), ctx, renderer,
                      _("✅ Checked in without a location. The client has been told."), order)


def make_router() -> Router:
    """The master's field steps: called, the visit time, on site."""
    router = Router(name="master_field")
    router.callback_query.register(contacted, FieldStep.filter(F.action == FieldAction.CALLED))
    router.callback_query.register(ask_visit, FieldStep.filter(F.action == FieldAction.SET_VISIT))
    router.message.register(got_visit, Visit.when, F.text)
    router.message.register(visit_other, Visit.when)
    router.callback_query.register(on_site, FieldStep.filter(F.action == FieldAction.ON_SITE))
    router.message.register(checkin_location, Visit.checkin, F.location)
    router.message.register(checkin_other, Visit.checkin)
    router.callback_query.register(
        checkin_button, FieldStep.filter(F.action == FieldAction.ON_SITE_NO_LOCATION))
    return router
