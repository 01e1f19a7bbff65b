"""The first master onboarding: name → own phone (contact) → services → the desk decides."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.views import MasterView
from bot.i18n import _, current_locale
from bot.notify.render import button
from bot.services.base import Context
from bot.services.masters import apply_master
from bot.services.users import ServiceItem, catalogue
from fsm.draft import MasterDraft
from fsm.states import MasterSignup
from handlers.inputs import refuse_typed_phone, take_own_phone
from handlers.keyboards import cancel_button, share_contact

router = Router(name="master_onboarding")


async def load(state: FSMContext) -> MasterDraft:
    return MasterDraft.model_validate((await state.get_data()).get("master") or {})


async def save(state: FSMContext, draft: MasterDraft) -> None:
    await state.update_data(master=draft.model_dump(mode="json"))


@router.message(Command("become_master"))
async def become_master(message: Message, state: FSMContext,
                        master: MasterView | None) -> None:
    if master is not None and master.status == "approved":
        await message.answer(_("You are already a verified master."))
        return
    if master is not None and master.status == "pending":
        await message.answer(_("Your application is being reviewed by the desk."))
        return
    await state.set_state(MasterSignup.name)
    await state.set_data({"master": MasterDraft().model_dump(mode="json")})
    await message.answer(_("Masters on the platform are self-employed or sole traders. "
                           "Let us start your application.\n\nWhat is your full name?"),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


@router.message(MasterSignup.name, F.text)
async def got_name(message: Message, state: FSMContext) -> None:
    name = (message.text or "").strip()
    if not 2 <= len(name) <= 128 or name.startswith("/"):
        await message.answer(_("Enter a name from 2 to 128 characters."))
        return
    draft = await load(state)
    draft.name = name
    await save(state, draft)
    await state.set_state(MasterSignup.phone)
    await message.answer(_("Share your phone number with the button below. Only your own "
                           "Telegram number is accepted."), reply_markup=share_contact())


@router.message(MasterSignup.name)
async def name_other(message: Message) -> None:
    await message.answer(_("Enter a name from 2 to 128 characters."))


@router.message(MasterSignup.phone, F.contact)
async def got_phone(message: Message, state: FSMContext, ctx: Context) -> None:
    phone = await take_own_phone(message)
    if phone is None:
        return
    draft = await load(state)
    draft.phone = phone
    await save(state, draft)
    await state.set_state(MasterSignup.services)
    await message.answer(_("Which services do you offer? Tap to select, then press «Done»."),
                         reply_markup=services_kb(await catalogue(ctx), draft))


@router.message(MasterSignup.phone)
async def phone_other(message: Message) -> None:
    await refuse_typed_phone(message)


def services_kb(items: list[ServiceItem], draft: MasterDraft) -> InlineKeyboardMarkup:
    loc = current_locale()
    rows = [[button(("✅ " if it.code in draft.services else "▫️ ") + it.name(loc), "msvc", x=i)]
            for i, it in enumerate(items)]
    rows.append([button(_("Done ▶️"), "mdone"), cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.callback_query(MasterSignup.services, Cb.filter(F.a == "msvc"))
async def toggle_service(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                         ctx: Context) -> None:
    items = await catalogue(ctx)
    if not 0 <= callback_data.x < len(items):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    code = items[callback_data.x].code
    draft.services = [c for c in draft.services if c != code] if code in draft.services \
        else [*draft.services, code]
    await save(state, draft)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=services_kb(items, draft))


@router.callback_query(MasterSignup.services, Cb.filter(F.a == "mdone"))
async def services_done(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    draft = await load(state)
    if not draft.services:
        await query.answer(_("Choose at least one service."), show_alert=True)
        return
    await apply_master(ctx, query.from_user.id, draft.name or "", draft.phone or "",
                       draft.services)
    await state.clear()
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Your application has been sent to the desk. We will write to "
                                 "you when it is reviewed."))


@router.message(MasterSignup.services)
async def services_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))
