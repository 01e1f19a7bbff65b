"""The onboarding form's pick-several steps: the services and the districts a master serves.
Each tap toggles one entry and redraws the list; «Done» needs at least one."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.buttons.onboarding import SignupAction as A
from bot.buttons.onboarding import SignupCb, pick_districts
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.users import catalogue
from fsm.states import MasterSignup
from handlers.inputs import chosen, close_press, message_of
from handlers.keyboards import cancel_button
from handlers.master.signup_steps import FORM, SignupEnv, services_kb, step


def toggle(picked: list[str], code: str) -> list[str]:
    return [c for c in picked if c != code] if code in picked else [*picked, code]


async def toggle_service(query: CallbackQuery, callback_data: SignupCb, state: FSMContext,
                         ctx: Context) -> None:
    item = chosen(await catalogue(ctx), callback_data.index)
    draft = await FORM.load(state)
    draft.services = toggle(draft.services, item.code)
    await FORM.save(state, draft)
    await query.answer()
    await message_of(query).edit_reply_markup(
        reply_markup=await services_kb(ctx, draft.services))


async def finish(query: CallbackQuery, state: FSMContext, env: SignupEnv, field: str,
                 empty: str) -> None:
    """«Done» (or «Continue») on a step that collects several: at least one is needed, then
    the step is marked done (`<field>_done`) and the next one asked."""
    draft = await FORM.load(state)
    if not getattr(draft, field):
        await query.answer(empty, show_alert=True)
        return
    setattr(draft, f"{field}_done", True)
    await step(await close_press(query), state, draft, env)


async def services_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                        renderer: Renderer) -> None:
    await finish(query, state, SignupEnv(ctx, renderer), "services",
                 _("Choose at least one service."))


async def toggle_district(query: CallbackQuery, callback_data: SignupCb, state: FSMContext,
                          renderer: Renderer) -> None:
    district = chosen(renderer.districts, callback_data.index)
    draft = await FORM.load(state)
    draft.districts = toggle(draft.districts, district)
    await FORM.save(state, draft)
    await query.answer()
    await message_of(query).edit_reply_markup(
        reply_markup=pick_districts(renderer.districts, draft.districts, cancel_button()))


async def districts_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                         renderer: Renderer) -> None:
    await finish(query, state, SignupEnv(ctx, renderer), "districts",
                 _("Choose at least one district."))


def register(router: Router) -> None:
    cb, st = router.callback_query.register, MasterSignup
    cb(toggle_service, st.services, SignupCb.filter(F.action == A.SERVICE))
    cb(services_done, st.services, SignupCb.filter(F.action == A.SERVICES_DONE))
    cb(toggle_district, st.districts, SignupCb.filter(F.action == A.DISTRICT))
    cb(districts_done, st.districts, SignupCb.filter(F.action == A.DISTRICTS_DONE))
