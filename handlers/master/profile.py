"""The master's own profile (/profile: duty, services, districts, photo) and his answer to a
question the desk asked about his application."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.onboarding import toggles
from bot.callbacks import Cb
from bot.domain.errors import Conflict, NotFound
from bot.domain.views import MasterView
from bot.i18n import _, current_locale
from bot.notify.render import Renderer, button
from bot.services.base import Context
from bot.services.masters import answer_desk, get_own, update_profile
from bot.services.matching import master_record
from bot.services.users import ServiceItem, catalogue
from fsm.states import MasterAnswer, Profile
from handlers.inputs import message_of
from handlers.keyboards import cancel_button, with_cancel
from handlers.master.onboarding import file_of
from handlers.master.signup_picks import toggle

router = Router(name="master_profile")


def services_kb(items: list[ServiceItem], picked: list[str]) -> InlineKeyboardMarkup:
    return toggles([it.name(current_locale()) for it in items], [it.code for it in items],
                   picked, lambda i: Cb(a="ptsv", x=i), Cb(a="ptsd"), cancel_button())


def districts_kb(districts: tuple[str, ...], picked: list[str]) -> InlineKeyboardMarkup:
    return toggles(districts, districts, picked, lambda i: Cb(a="ptds", x=i), Cb(a="ptdd"),
                   cancel_button())


async def show_profile(message: Message, m: MasterView, ctx: Context, renderer: Renderer,
                edit: bool = False) -> None:
    stats, record = await master_record(ctx, m.id)
    text, kb = renderer.profile(m, stats, record)
    if edit:
        await message.edit_text(text, reply_markup=kb)
    else:
        await message.answer(text, reply_markup=kb)


@router.message(Command("profile"))
async def profile(message: Message, state: FSMContext, master: MasterView | None, ctx: Context,
                  renderer: Renderer) -> None:
    if master is None or master.status != "approved":
        raise NotFound("error.not_a_master")
    await state.clear()
    await show_profile(message, master, ctx, renderer)


@router.callback_query(Cb.filter(F.a == "pduty"))
async def duty(query: CallbackQuery, callback_data: Cb, ctx: Context,
               renderer: Renderer) -> None:
    m = await update_profile(ctx, query.from_user.id, on_duty=bool(callback_data.x))
    await query.answer(_("You are on duty.") if m.on_duty else _("You are off duty."))
    await show_profile(message_of(query), m, ctx, renderer, edit=True)


@router.callback_query(Cb.filter(F.a == "psvc"))
async def services(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    m = await get_own(ctx, query.from_user.id)
    await state.set_state(Profile.services)
    await state.set_data({"picked": list(m.services)})
    await query.answer()
    await message_of(query).answer(
        _("Which services do you offer? Tap to select, then press «Done»."),
        reply_markup=services_kb(await catalogue(ctx), list(m.services)))


@router.callback_query(Cb.filter(F.a == "pdist"))
async def districts(query: CallbackQuery, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
    m = await get_own(ctx, query.from_user.id)
    await state.set_state(Profile.districts)
    await state.set_data({"picked": list(m.districts)})
    await query.answer()
    await message_of(query).answer(
        _("Which districts do you serve? Tap to select, then press «Done»."),
        reply_markup=districts_kb(renderer.districts, list(m.districts)))


@router.callback_query(Profile.services, Cb.filter(F.a.in_({"ptsv", "ptsd"})))
@router.callback_query(Profile.districts, Cb.filter(F.a.in_({"ptds", "ptdd"})))
async def toggled(query: CallbackQuery, callback_data: Cb, state: FSMContext, ctx: Context,
                  renderer: Renderer) -> None:
    is_services = callback_data.a in ("ptsv", "ptsd")
    items = await catalogue(ctx) if is_services else []
    codes = [it.code for it in items] if is_services else list(renderer.districts)
    picked = list((await state.get_data()).get("picked") or [])
    message = message_of(query)
    if callback_data.a in ("ptsv", "ptds"):
        if not 0 <= callback_data.x < len(codes):
            await query.answer(_("This button is outdated."), show_alert=True)
            return
        picked = toggle(picked, codes[callback_data.x])
        await state.update_data(picked=picked)
        await query.answer()
        await message.edit_reply_markup(
            reply_markup=services_kb(items, picked) if is_services
            else districts_kb(renderer.districts, picked))
        return
    if not picked:
        await query.answer(_("Choose at least one service.") if is_services
                           else _("Choose at least one district."), show_alert=True)
        return
    m = await (update_profile(ctx, query.from_user.id, services=picked) if is_services
               else update_profile(ctx, query.from_user.id, districts=picked))
    await state.clear()
    await query.answer(_("Saved."))
    await message.edit_reply_markup(reply_markup=None)
    await show_profile(message, m, ctx, renderer)


@router.message(Profile.services)
@router.message(Profile.districts)
async def toggles_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


@router.callback_query(Cb.filter(F.a == "pphoto"))
async def ask_photo(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await get_own(ctx, query.from_user.id)
    await state.set_state(Profile.photo)
    await query.answer()
    await message_of(query).answer(_("Send a photo of yourself: clients see it when you take "
                                     "their order."), reply_markup=with_cancel())


@router.message(Profile.photo, F.photo)
async def got_photo(message: Message, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
    assert message.photo and message.from_user
    m = await update_profile(ctx, message.from_user.id, photo=message.photo[-1].file_id)
    await state.clear()
    await message.answer(_("Photo saved."))
    await show_profile(message, m, ctx, renderer)


@router.message(Profile.photo)
async def photo_other(message: Message) -> None:
    await message.answer(_("Send a photo, or press «Cancel»."), reply_markup=with_cancel())


# --- answering the desk's question ----------------------------------------------------------

def answer_kb() -> InlineKeyboardMarkup:
    return with_cancel([button(_("📨 Send the answer"), "msans")])


@router.callback_query(Cb.filter(F.a == "mans"))
async def start_answer(query: CallbackQuery, state: FSMContext,
                       master: MasterView | None) -> None:
    if master is None or master.status != "pending" or not master.question:
        raise Conflict("error.no_question")
    await state.set_state(MasterAnswer.collect)
    await state.set_data({"text": "", "files": []})
    await query.answer()
    await message_of(query).answer(_("Type your answer; you can also send photos or files. "
                                     "Then press «Send the answer»."), reply_markup=answer_kb())


@router.message(MasterAnswer.collect, F.text | F.photo | F.document)
async def collect(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    text, files = str(data.get("text") or ""), list(data.get("files") or [])
    ref = file_of(message)  # a file of another type is refused here, nothing kept
    if ref is not None:
        files.append(ref)
    extra = (message.text or message.caption or "").strip()
    if extra:
        text = f"{text}\n{extra}".strip()[:1000]
    await state.update_data(text=text, files=files)
    await message.answer(_("Added. Send more, or press «Send the answer»."),
                         reply_markup=answer_kb())


@router.callback_query(MasterAnswer.collect, Cb.filter(F.a == "msans"))
async def send_answer(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    data = await state.get_data()
    await answer_desk(ctx, query.from_user.id, str(data.get("text") or ""),
                      list(data.get("files") or []))
    await state.clear()
    await query.answer()
    await message_of(query).edit_text(_("Your answer has been sent to the desk."))


@router.message(MasterAnswer.collect)
async def answer_other(message: Message) -> None:
    await message.answer(_("Send text, photos or files, or press «Send the answer»."),
                         reply_markup=answer_kb())
