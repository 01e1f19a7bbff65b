"""The New order form's button steps after the address: district, time (urgent, today,
tomorrow, another date), the date's time slot, payment. Each press is checked against what the
keyboard could have offered now: an old or forged index is answered, never stored.
"""

from __future__ import annotations

from datetime import date, timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.buttons.new_order import NewOrderAction as A
from bot.buttons.new_order import NewOrderCb
from bot.domain.rules import SLOTS, slots_left
from bot.i18n import _
from fsm.draft import PAYMENTS, TIME_KINDS, OrderDraft
from fsm.states import NewOrder
from handlers.client.order_steps import FORM, OrderEnv, next_step
from handlers.inputs import chosen, close_press, message_of


async def _outdated(query: CallbackQuery) -> None:
    await query.answer(_("This button is outdated."), show_alert=True)


async def _done(query: CallbackQuery, state: FSMContext, draft: OrderDraft,
                env: OrderEnv) -> None:
    """A button step is answered: its keyboard goes, the next step is asked."""
    await next_step(await close_press(query), state, draft, env)


async def got_district(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                       env: OrderEnv) -> None:
    names = env.renderer.districts
    if not 0 <= callback_data.index <= len(names):  # one past the names: «I am not sure»
        await _outdated(query)
        return
    draft = await FORM.load(state)
    draft.district = names[callback_data.index] if callback_data.index < len(names) else None
    draft.district_asked = True
    await _done(query, state, draft, env)


async def got_time_kind(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                        env: OrderEnv) -> None:
    kind = chosen(TIME_KINDS, callback_data.index)
    draft = await FORM.load(state)
    if kind == "urgent":
        draft.time_kind, draft.visit_date, draft.visit_slot = kind, None, None
        await _done(query, state, draft, env)
        return
    if kind == "date":
        await query.answer()
        await FORM.ask("date", message_of(query), state, draft, env)
        return
    now = env.now()
    day = now.date() if kind == "today" else now.date() + timedelta(days=1)
    if not slots_left(day, now):
        await query.answer(_("No time slots are left today. Choose urgent or another day."),
                           show_alert=True)
        return
    draft.time_kind, draft.visit_date = kind, day
    await query.answer()
    await FORM.ask("slot", message_of(query), state, draft, env)


async def got_date_button(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                          env: OrderEnv) -> None:
    today = env.now().date()
    try:
        day = date.fromordinal(callback_data.index)
    except ValueError:
        day = today
    if not today < day <= today + timedelta(days=60):
        await _outdated(query)
        return
    draft = await FORM.load(state)
    draft.time_kind, draft.visit_date = "date", day
    await query.answer()
    await FORM.ask("slot", message_of(query), state, draft, env)


async def got_slot(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                   env: OrderEnv) -> None:
    draft = await FORM.load(state)
    if (not 0 <= callback_data.index < len(SLOTS) or draft.visit_date is None
            or SLOTS[callback_data.index] not in slots_left(draft.visit_date, env.now())):
        await query.answer(_("This time slot is no longer available."), show_alert=True)
        return
    draft.visit_slot = SLOTS[callback_data.index]
    await _done(query, state, draft, env)


async def got_payment(query: CallbackQuery, callback_data: NewOrderCb, state: FSMContext,
                      env: OrderEnv) -> None:
    draft = await FORM.load(state)
    draft.payment = chosen(PAYMENTS, callback_data.index)
    await _done(query, state, draft, env)


def register(router: Router) -> None:
    cb = router.callback_query.register
    cb(got_district, NewOrder.district, NewOrderCb.filter(F.action == A.DISTRICT))
    cb(got_time_kind, NewOrder.time, NewOrderCb.filter(F.action == A.TIME))
    cb(got_date_button, NewOrder.date, NewOrderCb.filter(F.action == A.DAY))
    cb(got_slot, NewOrder.slot, NewOrderCb.filter(F.action == A.SLOT))
    cb(got_payment, NewOrder.payment, NewOrderCb.filter(F.action == A.PAYMENT))
