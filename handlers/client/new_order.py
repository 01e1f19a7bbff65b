"""The New order conversation (SPEC §2.1): service → description and photos → address →
time → phone (own contact only) → payment → summary with an edit button per field → confirm.

The steps are a table (handlers/client/order_steps.py) on the form engine (fsm/forms.py): the
draft lives in FSM storage as JSON under one key, so it survives a restart; every step re-asks
on bad input without losing what was typed; /cancel leaves at any step.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.album_parts import AlbumCollector
from bot.buttons.menus import Menu, MenuAction
from bot.buttons.new_order import NewOrderAction as A
from bot.buttons.new_order import NewOrderCb, continue_rows
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.rules import MAX_ADDRESS, MAX_DESCRIPTION, parse_date
from bot.domain.views import MasterView, UserView
from bot.i18n import _, current_locale, fmt_date_full, ngettext, typing_style
from bot.notify.render import q
from bot.services.base import Context
from bot.services.orders import may_order, submit_order
from bot.services.users import catalogue
from bot.texts import error_text
from fsm.draft import OrderDraft
from fsm.forms import Refused, parsed
from fsm.states import NewOrder
from handlers.client import order_times
from handlers.client.order_steps import FIELDS, FORM, OrderEnv, give_env, next_step
from handlers.inputs import (
    chosen,
    close_press,
    message_of,
    refuse_typed_phone,
    take_own_phone,
    take_photo,
)
from handlers.keyboards import menu, with_cancel


async def _may_order(ctx: Context, user: UserView) -> None:
    """Blocked [R §8] or at a cap: refused before anything is typed (and before a draft kept
    from an earlier refusal is replaced). Checked again when the order is submitted."""
    if user.blocked:
        raise NotAllowed("error.client_blocked")
    await may_order(ctx, user.id)


async def start_new(query: CallbackQuery, state: FSMContext, env: OrderEnv,
                    user: UserView) -> None:
    await _may_order(env.ctx, user)
    await query.answer()
    await FORM.ask("service", message_of(query), state, OrderDraft(), env)


async def start_new_cmd(message: Message, state: FSMContext, env: OrderEnv,
                        user: UserView) -> None:
    await _may_order(env.ctx, user)
    await FORM.ask("service", message, state, OrderDraft(), env)


async def got_service(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                      env: OrderEnv) -> None:
    item = chosen(await catalogue(env.ctx), callback_data.index)
    draft = await FORM.load(state)
    draft.service = item.code
    await query.answer()
    await message_of(query).edit_text(_("Service: {service}").format(
        service=q(item.name(current_locale()))))
    await next_step(message_of(query), state, draft, env)


async def description_clear(query: CallbackQuery, state: FSMContext) -> None:
    draft = await FORM.load(state)
    draft.description, draft.photos = None, []
    await FORM.save(state, draft)
    await close_press(query)
    await message_of(query).answer(_("The description and photos are cleared. Describe the "
                                     "problem again."))


def _description_part(text: str) -> str:
    if text.startswith("/"):
        raise Refused(_("Describe the problem with words, or press «Continue»."))
    return text


async def got_description(message: Message, state: FSMContext) -> None:
    text = await parsed(message, _description_part)
    if text is None:
        return
    draft = await FORM.load(state)
    joined = f"{draft.description}\n{text}" if draft.description else text
    if len(joined) > MAX_DESCRIPTION:
        await message.answer(ngettext(
            "The description is too long: at most {n} character. This message was not added.",
            "The description is too long: at most {n} characters. This message was not added.",
            MAX_DESCRIPTION).format(n=MAX_DESCRIPTION))
        return
    draft.description = joined
    await FORM.save(state, draft)
    await message.answer(_("Added. Send more details or photos, or press «Continue»."),
                         reply_markup=with_cancel(*continue_rows()))


async def got_photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await FORM.load(state)

    async def keep() -> None:  # the caption joins the description while it fits
        caption = (message.caption or "").strip()
        if caption and len(caption) + len(draft.description or "") < MAX_DESCRIPTION:
            draft.description = (f"{draft.description}\n{caption}" if draft.description
                                 else caption)
        await FORM.save(state, draft)

    # an album (several photos sent at once) gets one answer and one Continue button
    await take_photo(message, albums, draft.photos, keep, with_cancel(*continue_rows()))


async def description_done(query: CallbackQuery, state: FSMContext, env: OrderEnv) -> None:
    draft = await FORM.load(state)
    if not draft.description:
        await query.answer(_("Please describe the problem in a few words first."),
                           show_alert=True)
        return
    message = await close_press(query)
    await next_step(message, state, draft, env)


async def got_location(message: Message, state: FSMContext, env: OrderEnv) -> None:
    assert message.location
    draft = await FORM.load(state)
    draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    draft.address, draft.district_asked = None, False
    await message.answer(_("Location received."), reply_markup=ReplyKeyboardRemove())
    await next_step(message, state, draft, env)


def _address(text: str) -> str:
    if not (5 <= len(text) <= MAX_ADDRESS) or text.startswith("/"):
        raise Refused(ngettext(
            "Type the address from 5 to {n} character, or share a location.",
            "Type the address from 5 to {n} characters, or share a location.",
            MAX_ADDRESS).format(n=MAX_ADDRESS))
    return text


async def got_address(message: Message, state: FSMContext, env: OrderEnv) -> None:
    text = await parsed(message, _address)
    if text is None:
        return
    draft = await FORM.load(state)
    draft.address, draft.latitude, draft.longitude = text, None, None
    draft.district_asked = False
    await message.answer(_("Address saved."), reply_markup=ReplyKeyboardRemove())
    await next_step(message, state, draft, env)


async def got_date_text(message: Message, state: FSMContext, env: OrderEnv) -> None:
    today = env.now().date()
    day = await parsed(message, lambda text: parse_date(text, today, env.style))
    if day is None:
        return
    draft = await FORM.load(state)
    draft.time_kind, draft.visit_date = "date", day
    # Echoed in full, so a date read another way than meant is seen before it counts.
    await message.answer(_("📅 Date: {date}").format(date=fmt_date_full(day)))
    await FORM.ask("slot", message, state, draft, env)


async def date_other(message: Message, user: UserView) -> None:
    example = typing_style(user.language_code).date_example()
    await message.answer(error_text(InvalidInput("error.date_format", example=example)))


async def got_contact(message: Message, state: FSMContext, env: OrderEnv) -> None:
    draft = await FORM.filled(state, "phone", await take_own_phone(message))
    if draft is not None:
        await next_step(message, state, draft, env)


async def edit_field(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                     env: OrderEnv) -> None:
    field = chosen(FIELDS, callback_data.index)
    draft = await FORM.load(state)
    draft.editing = True
    await FORM.ask(field, await close_press(query), state, draft, env)


async def confirm(query: CallbackQuery, ctx: Context, state: FSMContext,
                  master: MasterView | None = None) -> None:
    """Not bound to the summary state: a second tap after the first one cleared the draft is
    answered, not ignored, and never creates a second order."""
    if not await FORM.at(state, "summary"):
        await query.answer(_("This order has already been sent."), show_alert=True)
        return
    draft = await FORM.load(state)
    # A refusal (a cap reached meanwhile) raises before the draft is cleared: the summary
    # stays, and its Confirm works once an order is finished or cancelled.
    order = await submit_order(ctx, query.from_user.id, draft.request())
    await state.clear()
    await close_press(query)
    await message_of(query).answer(
        _("✅ Your order #{number} is placed. We are finding a master and will write to you "
          "here.").format(number=order.id), reply_markup=menu(master))


def make_router() -> Router:
    router = Router(name="new_order")
    router.message.middleware(give_env)
    router.callback_query.middleware(give_env)
    cb, msg, step = router.callback_query.register, router.message.register, NewOrder
    cb(start_new, Menu.filter(F.action == MenuAction.NEW_ORDER))  # the menu's button
    msg(start_new_cmd, Command("new"))
    cb(got_service, step.service, NewOrderCb.filter(F.action == A.SERVICE))
    cb(description_clear, step.description, NewOrderCb.filter(F.action == A.CLEAR))
    msg(got_description, step.description, F.text)
    msg(got_photo, step.description, F.photo)
    cb(description_done, step.description, NewOrderCb.filter(F.action == A.NEXT))
    msg(got_location, step.address, F.location)
    msg(got_address, step.address, F.text)
    order_times.register(router)
    msg(got_date_text, step.date, F.text)
    msg(date_other, step.date)
    msg(got_contact, step.phone, F.contact)
    msg(refuse_typed_phone, step.phone)
    cb(edit_field, step.summary, NewOrderCb.filter(F.action == A.EDIT))
    cb(confirm, NewOrderCb.filter(F.action == A.CONFIRM))
    FORM.fallbacks(router)
    return router
