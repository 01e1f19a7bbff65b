"""The master's own profile (/profile: duty, services, districts, photo) and his answer to a
question the desk asked about his application. The picks and the answer are small forms
(fsm/forms.py): a typed draft under one key of the conversation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.profile import ProfileAction as A
from bot.buttons.profile import (
    ProfileFormCb,
    ProfilePress,
    pick_districts,
    pick_services,
    send_answer_rows,
)
from bot.domain.errors import Conflict, NotFound
from bot.domain.views import MasterView
from bot.i18n import _, current_locale
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.masters import answer_desk, get_own, update_profile
from bot.services.matching import master_record
from bot.services.users import ServiceItem, catalogue
from fsm.draft import AnswerDraft, PicksDraft
from fsm.forms import Form, Step, no_env
from fsm.states import MasterAnswer, Profile
from handlers.inputs import chosen, close_press, message_of
from handlers.keyboards import cancel_button, with_cancel
from handlers.master.onboarding import file_of
from handlers.master.signup_picks import toggle


def services_kb(items: list[ServiceItem], picked: list[str]) -> InlineKeyboardMarkup:
    return pick_services([it.name(current_locale()) for it in items], [it.code for it in items],
                         picked, cancel_button())


def districts_kb(districts: tuple[str, ...], picked: list[str]) -> InlineKeyboardMarkup:
    return pick_districts(districts, picked, cancel_button())


async def _services(message: Message, draft: PicksDraft, ctx: Context) -> None:
    await message.answer(_("Which services do you offer? Tap to select, then press «Done»."),
                         reply_markup=services_kb(await catalogue(ctx), draft.picked))


async def _districts(message: Message, draft: PicksDraft, ctx: Context) -> None:
    await message.answer(_("Which districts do you serve? Tap to select, then press «Done»."),
                         reply_markup=districts_kb(ctx.policy.districts, draft.picked))


def _buttons_above() -> str:
    return _("Please choose with the buttons above.")


def context_env(data: Mapping[str, Any]) -> Context:
    return data["ctx"]


PICKS: Form[PicksDraft, Context] = Form("picks", PicksDraft, {
    "services": Step(Profile.services, _services, _buttons_above),
    "districts": Step(Profile.districts, _districts, _buttons_above),
}, context_env)


def answer_kb() -> InlineKeyboardMarkup:
    return with_cancel(*send_answer_rows())


async def _answer(message: Message, draft: AnswerDraft, env: None) -> None:
    await message.answer(_("Type your answer; you can also send photos or files. Then press "
                           "«Send the answer»."), reply_markup=answer_kb())


ANSWER: Form[AnswerDraft, None] = Form("answer", AnswerDraft, {
    "collect": Step(MasterAnswer.collect, _answer),  # its hint has the Send button: below
}, no_env)


async def show_profile(message: Message, m: MasterView, ctx: Context, renderer: Renderer,
                       edit: bool = False) -> None:
    stats, record = await master_record(ctx, m.id)
    text, kb = renderer.profile(m, stats, record)
    if edit:
        await message.edit_text(text, reply_markup=kb)
    else:
        await message.answer(text, reply_markup=kb)


async def profile(message: Message, state: FSMContext, master: MasterView | None, ctx: Context,
                  renderer: Renderer) -> None:
    if master is None or master.status != "approved":
        raise NotFound("error.not_a_master")
    await state.clear()
    await show_profile(message, master, ctx, renderer)


async def duty(query: CallbackQuery, callback_data: ProfilePress, ctx: Context,
               renderer: Renderer) -> None:
    m = await update_profile(ctx, query.from_user.id, on_duty=callback_data.on_duty)
    await query.answer(_("You are on duty.") if m.on_duty else _("You are off duty."))
    await show_profile(message_of(query), m, ctx, renderer, edit=True)


async def services(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    m = await get_own(ctx, query.from_user.id)
    await state.set_data({})
    await query.answer()
    await PICKS.ask("services", message_of(query), state, PicksDraft(picked=list(m.services)),
                    ctx)


async def districts(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    m = await get_own(ctx, query.from_user.id)
    await state.set_data({})
    await query.answer()
    await PICKS.ask("districts", message_of(query), state,
                    PicksDraft(picked=list(m.districts)), ctx)


async def toggled(query: CallbackQuery, callback_data: ProfileFormCb, state: FSMContext,
                  ctx: Context, renderer: Renderer) -> None:
    is_services = callback_data.action in (A.SERVICE, A.SERVICES_DONE)
    items = await catalogue(ctx) if is_services else []
    codes = [it.code for it in items] if is_services else list(renderer.districts)
    draft = await PICKS.load(state)
    message = message_of(query)
    if callback_data.action in (A.SERVICE, A.DISTRICT):
        draft.picked = toggle(draft.picked, chosen(codes, callback_data.index))
        await PICKS.save(state, draft)
        await query.answer()
        await message.edit_reply_markup(
            reply_markup=services_kb(items, draft.picked) if is_services
            else districts_kb(renderer.districts, draft.picked))
        return
    await _save_picks(query, state, ctx, renderer, is_services, draft.picked)


async def _save_picks(query: CallbackQuery, state: FSMContext, ctx: Context,
                      renderer: Renderer, is_services: bool, picked: list[str]) -> None:
    if not picked:
        await query.answer(_("Choose at least one service.") if is_services
                           else _("Choose at least one district."), show_alert=True)
        return
    m = await (update_profile(ctx, query.from_user.id, services=picked) if is_services
               else update_profile(ctx, query.from_user.id, districts=picked))
    await state.clear()
    await close_press(query, _("Saved."))
    await show_profile(message_of(query), m, ctx, renderer)


async def ask_photo(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await get_own(ctx, query.from_user.id)
    await state.set_state(Profile.photo)
    await query.answer()
    await message_of(query).answer(_("Send a photo of yourself: clients see it when you take "
                                     "their order."), reply_markup=with_cancel())


async def got_photo(message: Message, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
    assert message.photo and message.from_user
    m = await update_profile(ctx, message.from_user.id, photo=message.photo[-1].file_id)
    await state.clear()
    await message.answer(_("Photo saved."))
    await show_profile(message, m, ctx, renderer)


async def photo_other(message: Message) -> None:
    await message.answer(_("Send a photo, or press «Cancel»."), reply_markup=with_cancel())


# --- answering the desk's question ----------------------------------------------------------

async def start_answer(query: CallbackQuery, state: FSMContext,
                       master: MasterView | None) -> None:
    if master is None or master.status != "pending" or not master.question:
        raise Conflict("error.no_question")
    await state.set_data({})
    await query.answer()
    await ANSWER.ask("collect", message_of(query), state, AnswerDraft(), None)


async def collect(message: Message, state: FSMContext) -> None:
    draft = await ANSWER.load(state)
    ref = file_of(message)  # a file of another type is refused here, nothing kept
    if ref is not None:
        draft.files.append(ref)
    extra = (message.text or message.caption or "").strip()
    if extra:
        draft.text = f"{draft.text}\n{extra}".strip()[:1000]
    await ANSWER.save(state, draft)
    await message.answer(_("Added. Send more, or press «Send the answer»."),
                         reply_markup=answer_kb())


async def send_answer(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    draft = await ANSWER.load(state)
    await answer_desk(ctx, query.from_user.id, draft.text, draft.files)
    await state.clear()
    await query.answer()
    await message_of(query).edit_text(_("Your answer has been sent to the desk."))


async def answer_other(message: Message) -> None:
    await message.answer(_("Send text, photos or files, or press «Send the answer»."),
                         reply_markup=answer_kb())


def make_router() -> Router:
    router = Router(name="master_profile")
    cb, msg = router.callback_query.register, router.message.register
    msg(profile, Command("profile"))
    # the profile's buttons (bot/notify/render_masters.py)
    cb(duty, ProfilePress.filter(F.action == A.DUTY))
    cb(services, ProfilePress.filter(F.action == A.SERVICES))
    cb(districts, ProfilePress.filter(F.action == A.DISTRICTS))
    cb(toggled, Profile.services,
       ProfileFormCb.filter(F.action.in_({A.SERVICE, A.SERVICES_DONE})))
    cb(toggled, Profile.districts,
       ProfileFormCb.filter(F.action.in_({A.DISTRICT, A.DISTRICTS_DONE})))
    cb(ask_photo, ProfilePress.filter(F.action == A.PHOTO))
    msg(got_photo, Profile.photo, F.photo)
    msg(photo_other, Profile.photo)
    # on the desk's question (bot/notify/keyboards.py)
    cb(start_answer, ProfilePress.filter(F.action == A.ANSWER_DESK))
    msg(collect, MasterAnswer.collect, F.text | F.photo | F.document)
    cb(send_answer, MasterAnswer.collect,
       ProfileFormCb.filter(F.action == A.SEND_ANSWER))
    msg(answer_other, MasterAnswer.collect)
    PICKS.fallbacks(router)
    return router
